import { testRedis, uniquePrefix } from '@sendcode/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { T0 } from '../core/test-support.ts';
import { type AuditLog, auditLogKey, createAuditLog } from './audit.ts';

let redis: Redis;
let prefix: string;
let audit: AuditLog;

beforeAll(() => {
  redis = testRedis();
  prefix = uniquePrefix('audit');
  audit = createAuditLog({ redis, prefix });
});
afterAll(() => redis.quit());

describe('support audit log', () => {
  it('lists entries newest first, since a time, up to a limit', async () => {
    for (let i = 0; i < 5; i++) {
      await audit.record({ at: T0 + i, actor: 'helpdesk', queryKind: 'to', queryHash: `h${i}`, results: i });
    }
    const all = await audit.list(0, 10);
    expect(all.map((e) => e.queryHash)).toEqual(['h4', 'h3', 'h2', 'h1', 'h0']);
    expect(all[0]).toEqual({ at: T0 + 4, actor: 'helpdesk', queryKind: 'to', queryHash: 'h4', results: 4 });
    expect((await audit.list(T0 + 3, 10)).map((e) => e.queryHash)).toEqual(['h4', 'h3']);
    expect(await audit.list(0, 2)).toHaveLength(2);
  });

  it('expires with its retention and refuses bad input', async () => {
    expect(await redis.pttl(auditLogKey(prefix))).toBeGreaterThan(29 * 86_400_000);
    await expect(
      audit.record({ at: T0, actor: '', queryKind: 'to', queryHash: 'h', results: 0 }),
    ).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});
