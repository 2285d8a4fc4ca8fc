import {
  applyDestinationRules,
  buildPlan,
  canonicalDestination,
  type Destination,
  lookupHash,
  maskParsed,
  numberPrefix,
  type PhoneDestination,
  type PlanStep,
  parseDestination,
  publicRandomBytes,
} from '@sendcode/policy';
import type { PlannedStart, StartDeps, StartRefusal, StartRequest } from './types.ts';

/**
 * Phase 1: destinations parsed, the plan built and rewritten by the destination rules (landlines are
 * called, countries without SMS get voice). Pure but for the id and the clock; refusals here are the
 * caller's mistakes and store nothing.
 */
export function planStart(
  deps: StartDeps,
  client: string,
  request: StartRequest,
): PlannedStart | StartRefusal {
  const settings = deps.config.settings;
  const fallbacks = request.fallbacks ?? [];
  const parsed = [
    parse(request.to, 'to'),
    ...fallbacks.map((fallback, i) => parse(fallback.to, `fallbacks.${i}.to`)),
  ];
  const failed = parsed.find((p) => 'reason' in p);
  if (failed) return failed as StartRefusal;
  const destinations = parsed as Destination[];

  const planned = buildPlan({
    to: destinations[0] as Destination,
    ...(request.channel ? { channel: request.channel } : {}),
    fallbacks: fallbacks.map((f, i) => ({
      to: destinations[i + 1] as Destination,
      ...(f.channel ? { channel: f.channel } : {}),
    })),
  });
  if (!planned.ok) {
    if (planned.reason === 'too_many_steps') return { reason: 'too_many_steps' };
    const field = planned.index === 0 ? 'channel' : `fallbacks.${planned.index - 1}.channel`;
    return { reason: 'channel_mismatch', field };
  }
  const { plan, warnings } = applyDestinationRules(planned.plan, destinations, settings);
  const first = plan[0];
  if (!first) throw new Error('buildPlan returned an empty plan');
  const phones = phoneSteps(plan, destinations);
  return {
    id: `ver_${publicRandomBytes(16).toString('hex')}`,
    client,
    purpose: request.purpose ?? 'sign_in',
    plan,
    planMasked: plan.map((step) => ({
      channel: step.channel,
      to: maskParsed(destinationOf(step, destinations)),
    })),
    warnings,
    lookup: lookupHash(deps.ring.current.lookup, canonicalDestination(first.to)),
    phones,
    prefixes: [
      ...new Set(phones.map(({ phone }) => numberPrefix(phone.address, settings.fraud.conversion.digits))),
    ],
    ttlSeconds: request.ttlSeconds ?? deps.defaults.ttlSeconds,
    nowMs: deps.now(),
  };
}

function parse(raw: string, field: string): Destination | StartRefusal {
  const parsed = parseDestination(raw);
  return parsed.ok ? parsed.destination : { reason: 'invalid_destination', field, detail: parsed.reason };
}

/** The parsed destination a step of the plan sends to. */
function destinationOf(step: PlanStep, destinations: readonly Destination[]): Destination {
  const found = destinations.find((d) => d.address === step.to);
  if (!found) throw new Error('a plan step has no parsed destination');
  return found;
}

/** Phone steps that send SMS or calls, with their parsed destination. */
function phoneSteps(plan: readonly PlanStep[], destinations: readonly Destination[]) {
  return plan.flatMap((step) => {
    const phone = destinations.find(
      (d): d is PhoneDestination => d.kind === 'phone' && d.address === step.to,
    );
    return step.channel !== 'email' && phone ? [{ step, phone }] : [];
  });
}
