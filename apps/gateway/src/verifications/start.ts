import { randomBytes } from 'node:crypto';
import { resend } from '@sendcode/engine';
import {
  applyDestinationRules,
  buildPlan,
  type ClientSettings,
  clientSettings,
  countryAllowed,
  type Destination,
  generateCode,
  hashCode,
  lookupHash,
  maskDestination,
  numberPrefix,
  type PhoneDestination,
  type PlanStep,
  parseDestination,
  sealWith,
  sendCost,
} from '@sendcode/policy';
import { type NewVerification, spendDay } from '@sendcode/store';
import type { ApiClient } from '../auth.ts';
import type { GatewayDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import type { BlockReason, LimitScope } from '../metrics.ts';
import type { Answer } from '../protection/idempotency.ts';
import { limitRules } from '../protection/limits.ts';
import { presentVerification } from './present.ts';
import { maxSendsReached, resendTooSoon } from './resend.ts';
import type { CreateVerificationBody } from './schemas.ts';

/**
 * Starts a verification, in this order:
 * 1. destinations parsed, the plan built and rewritten by the destination rules (landlines are
 *    called, countries without SMS get voice);
 * 2. the fraud guard: the client's allowed countries, suspended number prefixes, the daily spend cap;
 * 3. admission, one atomic step for every start limit and the "one pending verification per
 *    destination and purpose" index: a start that finds one pending resends it instead (same id, same
 *    code, subject to the resend cooldown);
 * 4. the verification stored (code as HMAC, plan and code sealed), indexed for support, queued.
 * A refused start is kept as a `failed` verification with a `refused` event, so support can see why.
 */
export async function startVerification(
  deps: GatewayDeps,
  client: ApiClient,
  body: CreateVerificationBody,
): Promise<Answer> {
  const { config, ring, store, metrics } = deps;
  const settings = deps.engine.config.settings;
  const policy = clientSettings(settings, client.name);
  const now = deps.now();
  const id = `ver_${randomBytes(16).toString('hex')}`;
  const purpose = body.purpose ?? 'sign_in';

  const destinations = [
    destinationOf(body.to, 'to'),
    ...(body.fallbacks ?? []).map((f, i) => destinationOf(f.to, `fallbacks.${i}.to`)),
  ];
  const planned = buildPlan({
    to: destinations[0] as Destination,
    ...(body.channel ? { channel: body.channel } : {}),
    fallbacks: (body.fallbacks ?? []).map((f, i) => ({
      to: destinations[i + 1] as Destination,
      ...(f.channel ? { channel: f.channel } : {}),
    })),
  });
  if (!planned.ok) {
    if (planned.reason === 'too_many_steps') {
      throw new ApiError('validation_failed', 'A plan has at most 5 steps.', { field: 'fallbacks' });
    }
    const field = planned.index === 0 ? 'channel' : `fallbacks.${planned.index - 1}.channel`;
    throw new ApiError(
      'channel_mismatch',
      'email goes to an email address; sms and voice go to a phone number.',
      { field },
    );
  }
  const { plan, warnings } = applyDestinationRules(planned.plan, destinations, settings);
  const first = plan[0];
  if (!first) throw new Error('buildPlan returned an empty plan');
  const planMasked = plan.map((step) => ({ channel: step.channel, to: maskDestination(step.to) }));
  const lookup = lookupHash(ring.current.lookup, first.to);
  const phones = phoneSteps(plan, destinations);

  const refuse = async (
    reason: 'rate_limited' | 'destination_blocked',
    detail: Record<string, string | number>,
    error: ApiError,
  ) => {
    await store.recordRefusal({
      id,
      client: client.name,
      planMasked,
      purpose,
      ...(body.accountRef === undefined ? {} : { accountRef: body.accountRef }),
      reason,
      detail,
      nowMs: now,
    });
    await deps.supportIndex.add('destination', lookup, id, now);
    throw new ApiError(
      error.code,
      error.message,
      { ...error.details, id },
      { ...(error.retryAfter ? { retryAfterMs: error.retryAfter * 1000 } : {}) },
    );
  };
  const blocked = (block: BlockReason, extra: Record<string, string | number>) => {
    metrics.blocked(block);
    return refuse(
      'destination_blocked',
      { block, ...extra },
      new ApiError('destination_blocked', BLOCK_MESSAGES[block], { reason: block }),
    );
  };
  const limited = (scope: LimitScope, retryAfterMs: number) => {
    metrics.limited(scope);
    return refuse(
      'rate_limited',
      { scope },
      new ApiError(
        'rate_limited',
        LIMIT_MESSAGES[scope] ?? 'Too many requests.',
        { scope },
        { retryAfterMs },
      ),
    );
  };

  for (const { step, phone } of phones) {
    if (!countryAllowed(policy, step.channel as 'sms' | 'voice', phone.country)) {
      await blocked('country', { channel: step.channel, country: phone.country ?? 'none' });
    }
  }
  const prefixes = [
    ...new Set(phones.map(({ phone }) => numberPrefix(phone.address, settings.fraud.conversion.digits))),
  ];
  for (const prefix of prefixes) {
    const until = await deps.prefixGuard.blockedUntil(prefix, now);
    if (until !== undefined) await blocked('prefix_suspended', { until });
  }
  const firstPhone = phones[0];
  if (firstPhone && first.channel !== 'email' && policy.dailySpendCap !== null) {
    // Refuse up front when the first send alone would pass the cap; the workers charge each send.
    const cost = sendCost(settings, firstPhone.phone.country, first.channel) * 1_000_000;
    const spent = await deps.spend.spent(client.name, spendDay(now));
    if (spent + cost > policy.dailySpendCap * 1_000_000) await limited('spend', msUntilNextUtcDay(now));
  }

  const ttlSeconds = body.ttlSeconds ?? config.CODE_TTL_SECONDS;
  const rules = limitRules(policy.limits, {
    destination: lookup,
    account:
      body.accountRef === undefined
        ? undefined
        : lookupHash(ring.current.lookup, `account:${body.accountRef}`),
    ip: body.endUserIp === undefined ? undefined : lookupHash(ring.current.lookup, `ip:${body.endUserIp}`),
    prefix: phones[0] ? numberPrefix(phones[0].phone.address, policy.limits.prefix.digits) : undefined,
  });
  const pending = { lookupHash: lookup, purpose, id, ttlMs: ttlSeconds * 1000 };
  // The start's entry in every limit's log: 64 random bits of the id are unique enough within one
  // log's window, and each log keeps one per start, so the full 36 characters would only cost memory.
  const token = id.slice(-16);
  let admitted = await deps.admission.admit({ client: client.name, rules, pending, token, nowMs: now });
  if (admitted.result === 'resume') {
    const resumed = await resume(deps, client, admitted.id, warnings);
    if (resumed) return resumed;
    admitted = await deps.admission.admit({
      client: client.name,
      rules,
      pending: { ...pending, ignoreId: admitted.id },
      token,
      nowMs: now,
    });
  }
  if (admitted.result === 'limited') await limited(admitted.scope as LimitScope, admitted.retryAfterMs);

  const verification = newVerification(deps, policy, body, {
    id,
    plan,
    planMasked,
    ttlSeconds,
    now,
    client,
    purpose,
  });
  const undo = () => deps.admission.refund({ client: client.name, rules, pending, token });
  try {
    await store.create({ ...verification, ...(prefixes[0] ? { numberPrefix: prefixes[0] } : {}) }, now);
  } catch (error) {
    await undo();
    throw error;
  }
  try {
    await deps.queues.add(first.channel, { verificationId: id, step: 0, send: 1 });
  } catch (error) {
    await store.discard(id);
    await undo();
    throw new ApiError('unavailable', 'Could not queue the delivery; nothing was sent. Retry.', undefined, {
      cause: error,
    });
  }
  // Perf (bench/README.md): the support index entries and the prefix guard's count touch unrelated
  // keys, so they go out together — one round trip on the shared connection instead of 2–4 in a row.
  const rule = settings.fraud.conversion;
  const indexed = [deps.supportIndex.add('destination', lookup, id, now)];
  if (body.accountRef !== undefined) {
    indexed.push(
      deps.supportIndex.add(
        'account',
        lookupHash(ring.current.lookup, `account:${body.accountRef}`),
        id,
        now,
      ),
    );
  }
  const guarded = prefixes.map((prefix) =>
    deps.prefixGuard.recordStart(prefix, now, {
      minSends: rule.minSends,
      threshold: rule.threshold,
      windowMs: rule.windowSeconds * 1000,
      blockMs: rule.blockSeconds * 1000,
    }),
  );
  const [, guards] = await Promise.all([Promise.all(indexed), Promise.all(guarded)]);
  for (const guard of guards) {
    if (guard.blocked && guard.triggered)
      deps.logger.warn({ until: guard.until }, 'number prefix suspended: conversion collapsed');
  }
  metrics.started(first.channel, purpose);
  deps.logger.info(
    { verificationId: id, channel: first.channel, client: client.name },
    'verification started',
  );

  const record = {
    ...verification,
    status: 'pending',
    attempts: 0,
    sends: 1,
    step: 0,
    updatedAt: now,
    lastSendAt: now,
  } as const;
  return { status: 201, body: { ...presentVerification(record), warnings } };
}

/** Resends a pending verification found by the pending index; undefined when it is no longer pending. */
async function resume(
  deps: GatewayDeps,
  client: ApiClient,
  id: string,
  warnings: readonly string[],
): Promise<Answer | undefined> {
  const existing = await deps.store.get(id, deps.now());
  if (existing?.status !== 'pending' || existing.client !== client.name) return undefined;
  const outcome = await resend(deps.engine, existing, undefined);
  if (!outcome.ok) {
    if (outcome.reason === 'cooldown') {
      deps.metrics.limited('resend');
      throw resendTooSoon(outcome.retryAfterMs);
    }
    if (outcome.reason === 'send_limit') {
      deps.metrics.limited('sends');
      throw maxSendsReached(existing.expiresAt - deps.now());
    }
    return undefined;
  }
  const updated = await deps.store.get(id, deps.now());
  if (!updated) return undefined;
  return { status: 200, body: { ...presentVerification(updated), warnings } };
}

function newVerification(
  deps: GatewayDeps,
  policy: ClientSettings,
  body: CreateVerificationBody,
  v: {
    id: string;
    plan: PlanStep[];
    planMasked: PlanStep[];
    ttlSeconds: number;
    now: number;
    client: ApiClient;
    purpose: string;
  },
): NewVerification {
  const { config, ring } = deps;
  const codeLength = body.codeLength ?? config.CODE_LENGTH;
  const code = generateCode(codeLength);
  const first = v.plan[0] as PlanStep;
  return {
    id: v.id,
    client: v.client.name,
    planMasked: v.planMasked,
    sealedPlan: sealWith(ring, JSON.stringify(v.plan)),
    sealedCode: sealWith(ring, code),
    codeHash: hashCode(ring.current.codeHmac, v.id, code),
    keyId: ring.current.id,
    codeLength,
    locale: body.locale ?? policy.templates.locale ?? 'en',
    brand: body.brand ?? policy.templates.brand ?? config.DEFAULT_BRAND,
    purpose: v.purpose,
    accountRef: body.accountRef,
    ttlSeconds: v.ttlSeconds,
    createdAt: v.now,
    expiresAt: v.now + v.ttlSeconds * 1000,
    maxAttempts: config.MAX_CHECK_ATTEMPTS,
    channel: first.channel,
  };
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

function destinationOf(raw: string, field: string): Destination {
  const parsed = parseDestination(raw);
  if (parsed.ok) return parsed.destination;
  const message =
    parsed.reason === 'invalid_email'
      ? 'Not a valid email address.'
      : 'Not a valid phone number: use E.164 with the country code, e.g. +819012345678.';
  throw new ApiError('invalid_destination', message, { field, reason: parsed.reason });
}

function msUntilNextUtcDay(now: number): number {
  const day = 86_400_000;
  return day - (now % day);
}

const BLOCK_MESSAGES: Record<BlockReason, string> = {
  country: 'Codes are not sent to this country for this client.',
  prefix_suspended: 'Codes to this number range are suspended for a while: almost none were being used.',
};

const LIMIT_MESSAGES: Partial<Record<LimitScope, string>> = {
  destination: 'Too many codes sent to this destination recently.',
  destination_day: 'Too many codes sent to this destination today.',
  account: 'Too many codes for this account recently.',
  ip: 'Too many codes requested from this IP address recently.',
  client: 'Too many verifications started by this API client.',
  prefix: 'Too many codes sent to this number range recently.',
  spend: "This client's daily SMS and voice budget is spent.",
};
