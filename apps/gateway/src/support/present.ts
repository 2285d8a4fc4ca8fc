import { diagnose, isCarrierMailDomain, type Warning } from '@sendcode/policy';
import type { SendRecord, TimelineEvent, VerificationRecord } from '@sendcode/store';

/** What support sees of one verification: masked, no code, no hashes, with a diagnosis. */
export interface SupportView {
  readonly record: VerificationRecord;
  readonly sends: readonly SendRecord[];
  readonly timeline: readonly TimelineEvent[];
  /** Warnings known from the search itself (a searched landline), added to those read off the plan. */
  readonly knownWarnings: readonly Warning[];
  readonly now: number;
}

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/**
 * A verification for the support API: each send as a step (channel, provider, times, receipt, why it
 * was started), the checks, the outcome, the masked timeline and the diagnosis in English and Japanese.
 */
export function presentForSupport(view: SupportView) {
  const { record, sends, timeline, now } = view;
  const warnings = warningsOf(record, view.knownWarnings);
  const diagnosis = diagnose({
    status: record.status,
    ...(record.refused ? { refused: record.refused } : {}),
    sends,
    timeline,
    warnings,
    now,
    expiresAt: record.expiresAt,
    attempts: record.attempts,
    maxAttempts: record.maxAttempts,
  });
  return {
    id: record.id,
    client: record.client,
    status: record.status,
    purpose: record.purpose,
    to: record.planMasked[0]?.to,
    plan: record.planMasked,
    createdAt: iso(record.createdAt),
    expiresAt: iso(record.expiresAt),
    updatedAt: iso(record.updatedAt),
    warnings,
    steps: stepsOf(record, sends, timeline),
    checks: {
      attempts: record.attempts,
      maxAttempts: record.maxAttempts,
      remaining: Math.max(0, record.maxAttempts - record.attempts),
      events: timeline
        .filter((e) => e.type === 'check_valid' || e.type === 'check_invalid')
        .map((e) => ({ at: iso(e.at), valid: e.type === 'check_valid' })),
    },
    outcome: { status: record.status, ...refusedOutcome(record.refused) },
    diagnosis,
    timeline: timeline.map((e) => ({ ...e, at: iso(e.at) })),
  };
}

/**
 * A refused start's outcome: why (`refused`), and how many starts this one record stands for (repeats
 * within the hour are counted on it, not stored), the first and the latest.
 */
function refusedOutcome(refused: VerificationRecord['refused']) {
  if (!refused) return {};
  return {
    refused: refused.reason,
    refusedCount: refused.count,
    firstRefusedAt: iso(refused.firstAt),
    lastRefusedAt: iso(refused.lastAt),
  };
}

/**
 * Send n > 1 was started by the (n − 1)-th failover or resend event: `advance` appends exactly one
 * per send it starts, so the order pairs them.
 */
function stepsOf(
  record: VerificationRecord,
  sends: readonly SendRecord[],
  timeline: readonly TimelineEvent[],
) {
  const starts = timeline.filter((e) => e.type === 'failover' || e.type === 'resend');
  return sends.map((send) => {
    const start = send.send > 1 ? starts[send.send - 2] : undefined;
    const reason = start?.type === 'failover' ? String(start.detail?.reason ?? 'failover') : start?.type;
    return {
      send: send.send,
      step: send.step,
      channel: send.channel,
      to: record.planMasked[send.step]?.to,
      provider: send.provider,
      status: send.status,
      receipt: send.status === 'delivered' || send.status === 'undelivered' ? send.status : undefined,
      queuedAt: iso(send.queuedAt),
      acceptedAt: iso(send.acceptedAt),
      receiptAt: iso(send.receiptAt),
      failedAt: iso(send.failedAt),
      ...(reason ? { startedBecause: reason } : {}),
    };
  });
}

/** Carrier mail is visible in a masked address (the domain is kept); a landline only in the search. */
function warningsOf(record: VerificationRecord, known: readonly Warning[]): Warning[] {
  const carrier = record.planMasked.some(
    (s) => s.channel === 'email' && isCarrierMailDomain(s.to.slice(s.to.lastIndexOf('@') + 1)),
  );
  const landline = known.includes('fixed_line_voice') && record.planMasked.some((s) => s.channel === 'voice');
  return [
    ...(carrier ? (['carrier_mail_domain'] as const) : []),
    ...(landline ? (['fixed_line_voice'] as const) : []),
  ];
}
