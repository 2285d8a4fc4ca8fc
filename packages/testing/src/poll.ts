/** Polls `probe` until `done` accepts its value (or 10 s pass), and returns the last value. */
export async function eventually<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Waits out the last `marginMs` of a fixed window of `windowMs` (UTC-aligned), so what a test does
 * next falls in one window: refused starts, say, are counted per hour.
 */
export async function clearOfWindowEdge(windowMs: number, marginMs = 10_000): Promise<void> {
  const left = windowMs - (Date.now() % windowMs);
  if (left < marginMs) await new Promise((resolve) => setTimeout(resolve, left + 100));
}

/** A timeline event as the API shows it. */
export interface ApiEvent {
  readonly type: string;
  readonly channel?: string;
  readonly provider?: string;
  readonly step?: number;
  readonly detail?: Record<string, string | number | boolean>;
}

export const types = (timeline: readonly ApiEvent[]) => timeline.map((event) => event.type);
