import { eventually, type RedisServer, startRedisServer } from '@sendcode/testing';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { checkRedis, checkRedisAtBoot, checkRedisServers, compareVersions } from './redis-checks.ts';

const servers: RedisServer[] = [];
const connections: Redis[] = [];

async function serverWith(...args: string[]): Promise<Redis> {
  const server = await startRedisServer(args);
  servers.push(server);
  const redis = new Redis(server.url, { maxRetriesPerRequest: 1 });
  connections.push(redis);
  return redis;
}

afterEach(async () => {
  await Promise.all(connections.splice(0).map((c) => c.quit().catch(() => undefined)));
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

const codes = (findings: { code: string }[]) => findings.map((finding) => finding.code).sort();

describe('checkRedis', () => {
  it('finds nothing wrong with noeviction and AOF on', async () => {
    const redis = await serverWith('--appendonly', 'yes', '--maxmemory-policy', 'noeviction');
    expect(await checkRedis(redis)).toEqual([]);
  });

  it('names an evicting Redis as fatal, in plain words', async () => {
    const redis = await serverWith('--appendonly', 'yes', '--maxmemory-policy', 'allkeys-lru');
    const findings = await checkRedis(redis);
    expect(findings).toEqual([
      expect.objectContaining({
        severity: 'fatal',
        code: 'evicting',
        message: expect.stringContaining('allkeys-lru'),
      }),
    ]);
    expect(findings[0]?.message).toContain('noeviction');
  });

  it('warns when AOF is off', async () => {
    const redis = await serverWith('--maxmemory-policy', 'noeviction');
    expect(await checkRedis(redis)).toEqual([
      expect.objectContaining({ severity: 'warning', code: 'no_aof' }),
    ]);
  });

  it('warns, without failing, when CONFIG is refused (managed Redis)', async () => {
    const redis = await serverWith('--rename-command', 'CONFIG', '');
    expect(codes(await checkRedis(redis))).toEqual(['config_unreadable']);
  });

  it('finds a cluster whose slots do not cover the keys', async () => {
    const admin = await serverWith('--cluster-enabled', 'yes', '--appendonly', 'yes');
    await admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', '8000');
    const findings = await checkRedisServers([admin], 'cluster');
    expect(findings).toContainEqual(
      expect.objectContaining({
        severity: 'error',
        code: 'cluster_slots_uncovered',
        message: expect.stringContaining('8001 of 16384'),
      }),
    );
    expect(findings.some((finding) => finding.severity === 'fatal')).toBe(false);
  });
});

it('finds nothing wrong once every slot is assigned', async () => {
  const node = await serverWith('--cluster-enabled', 'yes', '--appendonly', 'yes');
  await node.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
  await eventually(
    () => node.cluster('INFO'),
    (info) => String(info).includes('cluster_state:ok'),
  );
  expect(await checkRedisServers([node], 'cluster')).toEqual([]);
});

describe('compareVersions', () => {
  it('compares numerically, not as text', () => {
    expect(compareVersions('6.0.20', '6.2.0')).toBe(-1);
    expect(compareVersions('10.0.0', '6.2.0')).toBe(1);
    expect(compareVersions('6.2', '6.2.0')).toBe(0);
  });
});

describe('checkRedisAtBoot', () => {
  /** A real pino logger writing its lines here. */
  function capture() {
    const lines: { level: number; msg: string; check?: string }[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    return { lines, logger };
  }

  it('refuses an evicting Redis and logs the warnings of one it accepts', async () => {
    const { lines, logger } = capture();
    await expect(
      checkRedisAtBoot(await serverWith('--appendonly', 'yes', '--maxmemory-policy', 'volatile-lru'), logger),
    ).rejects.toThrow(/refusing to start: Redis has maxmemory-policy volatile-lru/);
    await checkRedisAtBoot(await serverWith('--maxmemory-policy', 'noeviction'), logger);
    expect(lines.filter((line) => line.check === 'no_aof')).toHaveLength(1);
  });
});
