import { type ChannelName, destinationFacts } from '@sendcode/policy';
import { type DeliveryJob, deliveryJobId } from '@sendcode/store';
import { openSend } from '../open-send.ts';
import type { EngineFixture } from '../test-fixture.ts';
import { messageContext, render } from './message.ts';
import type { Outgoing } from './outcome.ts';

/**
 * Test-only (not exported by the package): the send a delivery job of `id` opens, as the processor
 * opens it — its job queued for real (no worker takes it), the record read, the sealed plan and code
 * opened, the message rendered — so a suite can hand it to `attemptStep` or `settle` directly.
 */
export async function outgoing(
  fixture: EngineFixture,
  id: string,
  at: { readonly step: number; readonly send: number } = { step: 0, send: 1 },
): Promise<Outgoing<ChannelName>> {
  const { deps } = fixture;
  const data: DeliveryJob = { verificationId: id, ...at };
  const view = await deps.store.forDelivery(id, at.send, deps.now());
  if (!view) throw new Error(`${id} is gone`);
  const opened = openSend(deps.ring, id, view.sealedPlan, view.record.sealedCode, at.step);
  if (!opened.ok) throw new Error(`${id} does not open: ${opened.what} ${opened.why}`);
  const { channel, to } = opened.target;
  const rendered = render(channel, messageContext(deps, view.record, opened.code));
  if (!rendered.ok) throw new Error(`${id} does not render: ${rendered.why}`);
  await deps.queues.add(channel, data);
  const job = await fixture.stores.queues.queueOf(channel, data).getJob(deliveryJobId(data));
  if (!job) throw new Error(`the job of ${id} is not queued`);
  const facts = destinationFacts(to);
  return { job, record: view.record, plan: opened.plan, channel, to, facts, message: rendered.message };
}
