import { ConfigError, type Logger, withTimeout } from '@sendcode/runtime';
import { Cluster, type Redis } from 'ioredis';
import type { RedisConnection } from './connection.ts';
import { parseInfo, serversOf } from './info.ts';

/**
 * What is wrong with the Redis Sendcode points at, in plain words. `fatal`: the gateway and workers
 * refuse to start; `error`: `sendcode doctor` fails, the processes start with a warning; `warning`:
 * worth fixing.
 */
export interface RedisFinding {
  readonly severity: 'fatal' | 'error' | 'warning';
  readonly code: RedisFindingCode;
  readonly message: string;
}

export type RedisFindingCode =
  | 'evicting'
  | 'config_unreadable'
  | 'no_aof'
  | 'old_version'
  | 'cluster_slots_uncovered'
  | 'cluster_unhealthy';

/** The oldest Redis Sendcode and BullMQ are tested against. */
export const MIN_REDIS_VERSION = '6.2.0';

const CLUSTER_SLOTS = 16_384;

/** Checks the server, or each master of a cluster the connection knows. */
export function checkRedis(redis: RedisConnection): Promise<RedisFinding[]> {
  return checkRedisServers(serversOf(redis), redis instanceof Cluster ? 'cluster' : 'single');
}

/**
 * Checks each of `servers`, plus, for a cluster, its slot coverage as the first one sees it. A cluster
 * that leaves slots unassigned never becomes ready for a cluster client, so `sendcode doctor` passes
 * plain connections to the nodes REDIS_URL names.
 */
export async function checkRedisServers(
  servers: readonly Redis[],
  kind: 'single' | 'cluster',
): Promise<RedisFinding[]> {
  const name = (server: Redis) =>
    kind === 'single' ? 'Redis' : `Redis ${server.options.host}:${server.options.port}`;
  const perServer = await Promise.all(servers.map((server) => checkServer(server, name(server))));
  return [...(kind === 'cluster' ? await checkCluster(servers) : []), ...perServer.flat()];
}

async function checkServer(redis: Redis, name: string): Promise<RedisFinding[]> {
  const findings: RedisFinding[] = [];
  const policy = await configValue(redis, 'maxmemory-policy');
  if (policy === undefined) {
    findings.push({
      severity: 'warning',
      code: 'config_unreadable',
      message: `${name} refuses CONFIG GET (a managed Redis?): make sure its maxmemory-policy is noeviction and AOF is on, or BullMQ loses jobs when memory fills up.`,
    });
  } else if (policy !== 'noeviction') {
    findings.push({
      severity: 'fatal',
      code: 'evicting',
      message: `${name} has maxmemory-policy ${policy}: when memory fills up it deletes keys, and BullMQ loses queued jobs and verifications vanish. Set maxmemory-policy noeviction.`,
    });
  }
  const aof = await configValue(redis, 'appendonly');
  if (aof === 'no') {
    findings.push({
      severity: 'warning',
      code: 'no_aof',
      message: `${name} has AOF off (appendonly no): a restart loses every write since the last snapshot, verifications that were answered 201 included. Set appendonly yes.`,
    });
  }
  const version = parseInfo(await redis.info('server')).get('redis_version');
  if (version !== undefined && compareVersions(version, MIN_REDIS_VERSION) < 0) {
    findings.push({
      severity: 'warning',
      code: 'old_version',
      message: `${name} is version ${version}; Sendcode is tested on ${MIN_REDIS_VERSION} and newer (BullMQ needs its commands). Upgrade Redis.`,
    });
  }
  return findings;
}

async function checkCluster(masters: readonly Redis[]): Promise<RedisFinding[]> {
  const first = masters[0];
  if (first === undefined) {
    return [
      { severity: 'error', code: 'cluster_unhealthy', message: 'The Redis Cluster has no master reachable.' },
    ];
  }
  const info = parseInfo(String(await first.cluster('INFO')));
  const assigned = Number(info.get('cluster_slots_assigned') ?? 0);
  const findings: RedisFinding[] = [];
  if (assigned < CLUSTER_SLOTS) {
    findings.push({
      severity: 'error',
      code: 'cluster_slots_uncovered',
      message: `The Redis Cluster assigns ${assigned} of ${CLUSTER_SLOTS} slots: keys hashing to the rest cannot be written. Assign every slot (redis-cli --cluster fix).`,
    });
  } else if (info.get('cluster_state') !== 'ok') {
    findings.push({
      severity: 'error',
      code: 'cluster_unhealthy',
      message: `The Redis Cluster reports cluster_state:${info.get('cluster_state') ?? 'unknown'}: it refuses writes until it is ok again.`,
    });
  }
  return findings;
}

/** One CONFIG value, or undefined when the server refuses CONFIG (managed Redis services often do). */
async function configValue(redis: Redis, name: string): Promise<string | undefined> {
  try {
    const reply = (await redis.config('GET', name)) as unknown as string[];
    return reply[1];
  } catch {
    return undefined;
  }
}

/** Compares dotted versions numerically: `7.0.15` > `6.2.0` > `6.0.20`. */
export function compareVersions(a: string, b: string): number {
  const left = a.split('.').map(Number);
  const right = b.split('.').map(Number);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const difference = (left[i] ?? 0) - (right[i] ?? 0);
    if (difference !== 0) return Math.sign(difference);
  }
  return 0;
}

/** How long the boot check waits for Redis to answer before starting without it. */
const BOOT_CHECK_MS = 5_000;

/**
 * The gateway's and workers' boot check: refuses to start (a ConfigError) on a fatal finding, an
 * evicting Redis, and logs the rest as warnings. A Redis that does not answer in time is not checked:
 * the gateway answers 503 and the workers wait until it comes, as they always have.
 */
export async function checkRedisAtBoot(redis: RedisConnection, logger: Logger): Promise<void> {
  let findings: RedisFinding[];
  try {
    findings = await withTimeout(checkRedis(redis), BOOT_CHECK_MS);
  } catch (error) {
    logger.warn({ err: error }, 'could not check the Redis configuration; run sendcode doctor');
    return;
  }
  for (const { code, message } of findings) logger.warn({ check: code }, message);
  const fatal = findings.find((finding) => finding.severity === 'fatal');
  if (fatal) throw new ConfigError(`refusing to start: ${fatal.message}`);
}
