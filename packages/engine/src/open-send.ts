import { CHANNELS, type KeyRing, openWith, type PlanStep, type SealBinding } from '@sendcode/policy';

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

/** The plan as the gateway sealed it, a JSON list of `{ channel, to }`; undefined for anything else. */
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
    const { channel, to } = step as Record<string, unknown>;
    const known = CHANNELS.find((name) => name === channel);
    return known && typeof to === 'string' ? { channel: known, to } : undefined;
  });
  return steps.every((step) => step !== undefined) ? steps : undefined;
}
