import type { SendFailure } from '../failover.ts';
import { isProviderName } from '../providers.ts';
import { en } from './en.ts';
import { ja } from './ja.ts';
import type { DiagnosisStrings } from './strings.ts';
import type {
  Diagnosis,
  DiagnosisCode,
  DiagnosisEvent,
  DiagnosisFacts,
  DiagnosisInput,
  DiagnosisText,
} from './types.ts';

/** What a rule sees: the facts plus the raw events, for the rules that look at the path. */
interface RuleInput {
  readonly facts: DiagnosisFacts;
  readonly input: DiagnosisInput;
  readonly failovers: readonly DiagnosisEvent[];
}

const failoverBecause = (reason: string) => (r: RuleInput) =>
  r.failovers.some((e) => e.detail?.reason === reason);

const sendFailedWith = (kind: SendFailure) => (r: RuleInput) =>
  r.input.timeline.some((e) => e.type === 'send_failed' && e.detail?.kind === kind);

/**
 * The rules, first match wins: outcomes that end the story (refused, locked, expired...) come first,
 * then what explains the delivery path, then the plain cases.
 */
const RULES: readonly (readonly [DiagnosisCode, (r: RuleInput) => boolean])[] = [
  ['rate_limited', (r) => r.input.refused?.reason === 'rate_limited'],
  ['fraud_blocked', (r) => r.input.refused?.reason === 'destination_blocked'],
  ['locked', (r) => r.facts.status === 'locked'],
  ['expired_unused', (r) => r.facts.status === 'expired'],
  ['canceled', (r) => r.facts.status === 'canceled'],
  // Faults on our side come before the plain outcome: support must pass them on, not just retry.
  ['code_unreadable', sendFailedWith('open_failed')],
  ['message_unrenderable', sendFailedWith('render_failed')],
  ['adapter_error', sendFailedWith('adapter_error')],
  ['delivery_failed', (r) => r.facts.status === 'failed'],
  [
    'carrier_mail_rejected',
    (r) =>
      (r.input.warnings ?? []).includes('carrier_mail_domain') &&
      r.failovers.some((e) => e.detail?.reason === 'permanent_error' && e.detail.fromChannel === 'email'),
  ],
  ['no_receipt_next_channel', failoverBecause('no_receipt')],
  ['undelivered_next_channel', failoverBecause('undelivered')],
  ['providers_failing_next_channel', failoverBecause('retries_exhausted')],
  ['provider_outage', (r) => failoverBecause('circuit_open')(r) || otherProviderTookOver(r.input.timeline)],
  ['failed_over', (r) => r.failovers.length > 0],
  ['fixed_line_called', (r) => (r.input.warnings ?? []).includes('fixed_line_voice')],
  ['routed_around_provider', (r) => r.facts.routedAround !== undefined],
  ['approved', (r) => r.facts.status === 'approved'],
  ['delivered', (r) => r.facts.delivered],
  ['pending', () => true],
];

/** Codes that explain a path: their summary is followed by whether the user has entered the code. */
const PATH_CODES: ReadonlySet<DiagnosisCode> = new Set([
  'carrier_mail_rejected',
  'no_receipt_next_channel',
  'undelivered_next_channel',
  'providers_failing_next_channel',
  'provider_outage',
  'failed_over',
  'fixed_line_called',
  'routed_around_provider',
]);

/**
 * Explains what happened to a verification, for support staff: one code, and in English and Japanese
 * a summary and a suggested next action. Pure: everything comes from `input`.
 */
export function diagnose(input: DiagnosisInput): Diagnosis {
  const facts = factsOf(input);
  const failovers = input.timeline.filter((e) => e.type === 'failover');
  const rule = RULES.find(([, when]) => when({ facts, input, failovers }));
  const code = rule?.[0] ?? 'pending';
  return { code, en: textOf(en, code, facts), ja: textOf(ja, code, facts) };
}

function textOf(strings: DiagnosisStrings, code: DiagnosisCode, facts: DiagnosisFacts): DiagnosisText {
  const words = strings.codes[code];
  const summary = words.summary(facts);
  return {
    summary: PATH_CODES.has(code) ? `${summary} ${strings.outcome(facts)}`.trim() : summary,
    suggestion: words.suggestion(facts),
  };
}

/** A provider failed (error or open circuit) and another one then sent on the same channel. */
function otherProviderTookOver(timeline: readonly DiagnosisEvent[]): boolean {
  return timeline.some(
    (failed, i) =>
      (failed.type === 'send_failed' || failed.type === 'circuit_skipped') &&
      failed.detail?.kind !== 'permanent' &&
      timeline
        .slice(i + 1)
        .some(
          (sent) =>
            sent.type === 'sent' && sent.channel === failed.channel && sent.provider !== failed.provider,
        ),
  );
}

function factsOf(input: DiagnosisInput): DiagnosisFacts {
  const refused = input.timeline.find((e) => e.type === 'refused')?.detail;
  const sent = input.timeline.filter((e) => e.type === 'sent');
  const last = input.sends.at(-1);
  const str = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const lastSent = sent.at(-1);
  const around = str(lastSent?.detail?.routedAround)?.split(',')[0];
  return {
    status: input.status,
    firstChannel: input.sends[0]?.channel ?? sent[0]?.channel,
    lastChannel: sent.at(-1)?.channel ?? last?.channel,
    scope: str(refused?.scope),
    block: str(refused?.block),
    refusals: input.refused ? Math.max(1, input.refused.count ?? 1) : 0,
    attempts: input.attempts,
    maxAttempts: input.maxAttempts,
    minutesLeft: Math.max(0, Math.ceil((input.expiresAt - input.now) / 60_000)),
    delivered: last?.status === 'delivered',
    routedAround: isProviderName(around) ? around : undefined,
    routedVia: isProviderName(around) ? lastSent?.provider : undefined,
  };
}
