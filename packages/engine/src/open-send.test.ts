import { createKeyRing, type PlanStep, sealWith } from '@sendcode/policy';
import { describe, expect, it } from 'vitest';
import { openSend, sealPlan } from './open-send.ts';

const ring = createKeyRing(Buffer.alloc(32, 7).toString('base64'));
const id = 'ver_open';
const plan: PlanStep[] = [
  { channel: 'email', to: 'taro@docomo.ne.jp' },
  { channel: 'sms', to: '+819012345678' },
];
const code = sealWith(ring, '123456', { verificationId: id, field: 'code' });

describe('openSend', () => {
  it('opens a plan sealed as [channel, to] steps, shorter than the objects sealed before', () => {
    const sealed = sealPlan(ring, id, plan);
    const before = sealWith(ring, JSON.stringify(plan), { verificationId: id, field: 'plan' });
    expect(sealed.length).toBeLessThan(before.length - 20);
    expect(openSend(ring, id, sealed, code, 1)).toEqual({ ok: true, plan, target: plan[1], code: '123456' });
  });

  it('opens a plan sealed as { channel, to } steps, as the previous version sealed it', () => {
    const before = sealWith(ring, JSON.stringify(plan), { verificationId: id, field: 'plan' });
    expect(openSend(ring, id, before, code, 0)).toMatchObject({ ok: true, plan, target: plan[0] });
  });

  it('answers not_a_plan for steps of neither shape, and no_such_step past the end', () => {
    const odd = sealWith(ring, '[["fax","+81"]]', { verificationId: id, field: 'plan' });
    expect(openSend(ring, id, odd, code, 0)).toEqual({ ok: false, what: 'plan', why: 'not_a_plan' });
    expect(openSend(ring, id, sealPlan(ring, id, plan), code, 2)).toEqual({
      ok: false,
      what: 'plan',
      why: 'no_such_step',
    });
  });
});
