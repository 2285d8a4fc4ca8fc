/**
 * Destination rules, applied after the plan is built: what a destination's kind, number type and
 * country change about its step, what the caller is warned about, and when carrier mail should give
 * way to the next step.
 */
import { isCarrierMailDomain } from './carrier-mail.ts';
import type { Settings } from './settings/types.ts';
import type { Destination, PlanStep } from './types.ts';

/**
 * Advisory warnings a start answer carries (never a reason to refuse). Stored and shown to callers:
 * add, never rename.
 * - `carrier_mail_domain`: email to Japanese carrier mail, which often refuses PC mail;
 * - `fixed_line_voice`: SMS asked for a landline, so the step calls instead;
 * - `sms_not_offered`: SMS is not offered in the number's country (settings `routing`), so it calls.
 */
export const WARNINGS = ['carrier_mail_domain', 'fixed_line_voice', 'sms_not_offered'] as const;
export type Warning = (typeof WARNINGS)[number];

/** Result of `applyDestinationRules`. */
export interface DestinationRulesResult {
  readonly plan: PlanStep[];
  /** Each warning once, in the order the steps raised them. */
  readonly warnings: Warning[];
}

function destinationOf(step: PlanStep, index: number, destinations: readonly Destination[]): Destination {
  const parallel = destinations[index];
  const found = parallel?.address === step.to ? parallel : destinations.find((d) => d.address === step.to);
  if (found === undefined) throw new RangeError(`plan step ${index} has no matching destination`);
  return found;
}

interface Rewritten {
  readonly step: PlanStep;
  readonly warning?: Warning;
}

function rewrite(step: PlanStep, d: Destination, settings: Pick<Settings, 'routing'>): Rewritten {
  if (step.channel === 'email' && d.kind === 'email' && isCarrierMailDomain(d.domain)) {
    return { step, warning: 'carrier_mail_domain' };
  }
  if (step.channel !== 'sms' || d.kind !== 'phone') return { step };
  // Only a sure landline: `fixed_line_or_mobile` (all of the US, for one) may well take SMS.
  if (d.type === 'fixed_line') return { step: { ...step, channel: 'voice' }, warning: 'fixed_line_voice' };
  if (d.country !== undefined && settings.routing.countries[d.country]?.sms === 'voice') {
    return { step: { ...step, channel: 'voice' }, warning: 'sms_not_offered' };
  }
  return { step };
}

/**
 * Applies the destination rules to a plan from `buildPlan`: an SMS step to a landline
 * (`fixed_line`) or to a country where `settings.routing` says SMS is not offered becomes a voice
 * step; a step the rewrite makes a duplicate of an earlier one is dropped; email to carrier mail is
 * kept but warned about. `destinations` holds each step's parsed destination, matched by address
 * (parallel to `plan`, or simply every destination of the request).
 * @throws RangeError when a step's address has no destination in `destinations`.
 */
export function applyDestinationRules(
  plan: readonly PlanStep[],
  destinations: readonly Destination[],
  settings: Pick<Settings, 'routing'>,
): DestinationRulesResult {
  const steps: PlanStep[] = [];
  const warnings = new Set<Warning>();
  for (const [index, original] of plan.entries()) {
    const { step, warning } = rewrite(original, destinationOf(original, index, destinations), settings);
    if (warning !== undefined) warnings.add(warning);
    if (!steps.some((s) => s.channel === step.channel && s.to === step.to)) steps.push(step);
  }
  return { plan: steps, warnings: [...warnings] };
}

/**
 * How long an email step waits before the plan moves on, in ms: `carrierMail.failoverSeconds` for
 * carrier mail (often silently dropped), undefined for any other address — plain email has no
 * receipt, so SMTP acceptance is final. Takes a parsed destination or an email plan step; anything
 * else is undefined. Whether there is a next step to move to is the caller's question.
 */
export function emailFailoverMs(
  destination: Destination | PlanStep,
  settings: Pick<Settings, 'carrierMail'>,
): number | undefined {
  const domain =
    'kind' in destination
      ? destination.kind === 'email'
        ? destination.domain
        : undefined
      : destination.channel === 'email'
        ? destination.to.slice(destination.to.lastIndexOf('@') + 1)
        : undefined;
  return domain !== undefined && isCarrierMailDomain(domain)
    ? settings.carrierMail.failoverSeconds * 1000
    : undefined;
}
