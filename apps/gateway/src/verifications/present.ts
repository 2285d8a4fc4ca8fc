import type { TimelineEvent, VerificationRecord } from '@sendcode/store';

/** The public view of a verification: destinations masked, no code, no hashes. */
export function presentVerification(record: VerificationRecord, timeline?: readonly TimelineEvent[]) {
  const current = record.planMasked[record.step] ?? record.planMasked[0];
  return {
    id: record.id,
    status: record.status,
    channel: record.channel,
    to: current?.to,
    plan: record.planMasked,
    purpose: record.purpose,
    createdAt: new Date(record.createdAt).toISOString(),
    expiresAt: new Date(record.expiresAt).toISOString(),
    remainingAttempts: Math.max(0, record.maxAttempts - record.attempts),
    sends: record.sends,
    ...(timeline ? { timeline: timeline.map(presentEvent) } : {}),
  };
}

function presentEvent(event: TimelineEvent) {
  return { ...event, at: new Date(event.at).toISOString() };
}
