/** Small numeric helpers shared by the scenarios. */

/** The q-quantile (0..1) of `values` by nearest rank; NaN when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export const round = (value: number, digits = 1): number => {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
};

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `done` every `everyMs` until it is true or `timeoutMs` passes; returns whether it became true. */
export async function waitUntil(done: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 50) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await done()) return true;
    await sleep(everyMs);
  }
  return done();
}

let counter = 0;
/**
 * A fresh destination for every start: distinct valid Japanese mobile numbers (+81 90/80/70, then 1-9 and seven digits), so
 * the "one pending verification per destination" rule never turns a start into a resend.
 */
export function nextPhone(): string {
  const n = counter++;
  const block = ['90', '80', '70'][Math.floor(n / 90_000_000) % 3] ?? '90';
  // libphonenumber wants the digit after 90/80/70 to be 1-9.
  const lead = 1 + (Math.floor(n / 10_000_000) % 9);
  return `+81${block}${lead}${String(n % 10_000_000).padStart(7, '0')}`;
}
