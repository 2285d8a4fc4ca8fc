import {
  CHANNELS,
  type KeyRing,
  openWith,
  type PlanStep,
  type SealBinding,
  sealWith,
} from '@sendcode/policy';

/** A send's sealed values in clear: the plan (with destinations) and the code. */
export type OpenedSend =
  | {
      readonly ok: true;
      readonly plan: readonly PlanStep[];
      readonly target: PlanStep;
      readonly code: string;
    }
  | {
      readonly ok: false;
      /** Which value could not be opened. */
      readonly what: 'plan' | 'code';
      /**
       * Why, safe to log: `missing`, `not_a_plan`, `no_such_step`, or the message of the key ring's
       * error (fixed texts such as "sealed value names a key that is not on the key ring"). Never
       * anything from the opened text, which holds destinations.
       */
      readonly why: string;
    };

/**
 * The plan with clear destinations, sealed for verification `id`: a JSON list of `[channel, to]`,
 * 15 bytes a step shorter than `{ channel, to }` (which plans sealed before hold, and open the same),
 * and so 20 characters shorter in the sends document that keeps it while the code is pending.
 */
export function sealPlan(ring: KeyRing, id: string, plan: readonly PlanStep[]): string {
  const steps = plan.map((step) => [step.channel, step.to]);
  return sealWith(ring, JSON.stringify(steps), { verificationId: id, field: 'plan' });
}

/**
 * Opens the sealed plan and code of a send and picks its plan step. Every way this can go wrong is
 * an answer, not a throw: the caller fails the send with `open_failed`, and a job that threw instead
 * would only be retried into the same failure and leave the verification pending.
 */
export function openSend(
  ring: KeyRing,
  verificationId: string,
  sealedPlan: string | undefined,
  sealedCode: string | undefined,
  step: number,
): OpenedSend {
  if (sealedPlan === undefined) return { ok: false, what: 'plan', why: 'missing' };
  if (sealedCode === undefined) return { ok: false, what: 'code', why: 'missing' };
  const planText = tryOpen(ring, sealedPlan, { verificationId, field: 'plan' });
  if (!planText.ok) return { ok: false, what: 'plan', why: planText.why };
  const plan = parsePlan(planText.text);
  if (!plan) return { ok: false, what: 'plan', why: 'not_a_plan' };
  const target = plan[step];
  if (!target) return { ok: false, what: 'plan', why: 'no_such_step' };
  const code = tryOpen(ring, sealedCode, { verificationId, field: 'code' });
  if (!code.ok) return { ok: false, what: 'code', why: code.why };
  return { ok: true, plan, target, code: code.text };
}

function tryOpen(ring: KeyRing, sealed: string, binding: SealBinding) {
  try {
    return { ok: true, text: openWith(ring, sealed, binding) } as const;
  } catch (error) {
    return { ok: false, why: error instanceof Error ? error.message : 'unknown' } as const;
  }
}

/** The plan as `sealPlan` sealed it (or as `{ channel, to }` steps, before); undefined for anything else. */
function parsePlan(text: string): PlanStep[] | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // The parser's message quotes the text, which holds destinations: not worth keeping.
    return undefined;
  }
  if (!Array.isArray(value)) return undefined;
  const steps = value.map((step: unknown) => {
    if (typeof step !== 'object' || step === null) return undefined;
    const [channel, to] = Array.isArray(step)
      ? step
      : [(step as Record<string, unknown>).channel, (step as Record<string, unknown>).to];
    const known = CHANNELS.find((name) => name === channel);
    return known && typeof to === 'string' ? { channel: known, to } : undefined;
  });
  return steps.every((step) => step !== undefined) ? steps : undefined;
}
