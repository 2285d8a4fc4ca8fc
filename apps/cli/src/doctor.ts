import { gatewayEnv } from '@sendcode/gateway';
import { parseRedisUrl } from '@sendcode/runtime';
import { checkRedisServers, parseInfo, type RedisFinding } from '@sendcode/store';
import { buildChannels, type WorkersEnv, workersEnv } from '@sendcode/workers';
import { Redis, type RedisOptions } from 'ioredis';
import type { z } from 'zod';

/** One thing `sendcode doctor` found: `fatal` and `error` make it exit 1, `warning` does not. */
export interface DoctorFinding {
  readonly severity: RedisFinding['severity'];
  /** The variable or part concerned: `SENDCODE_SECRET`, `Redis`, `PUBLIC_URL`, `providers`. */
  readonly what: string;
  readonly message: string;
}

/** The roles whose environment the doctor checks. */
export const ROLES = { gateway: gatewayEnv, workers: workersEnv } as const;
export type Role = keyof typeof ROLES;

/** How long the doctor waits for Redis and for PUBLIC_URL. */
const TIMEOUT_MS = 3_000;

/**
 * Everything wrong with the configuration in `env` for `roles` and with the Redis it points at, in
 * plain words. Never prints a secret: variables are named, their values are not.
 */
export async function diagnose(
  env: NodeJS.ProcessEnv,
  roles: readonly Role[] = ['gateway', 'workers'],
): Promise<DoctorFinding[]> {
  const findings = configFindings(env, roles);
  const workers = roles.includes('workers') ? workersEnv.safeParse(env) : undefined;
  if (workers?.success) findings.push(...providerFindings(workers.data));
  if (env.REDIS_URL)
    findings.push(...(await redisFindings(env.REDIS_URL, Number(env.REDIS_WAIT_REPLICAS ?? 0))));
  if (env.PUBLIC_URL) findings.push(...(await publicUrlFindings(env.PUBLIC_URL)));
  return findings;
}

const MARK = { fatal: '✗ fatal  ', error: '✗ error  ', warning: '! warning' } as const;

/** Prints the findings and returns the exit code: 1 when anything is fatal or an error. */
export async function doctor(
  env: NodeJS.ProcessEnv,
  print: (line: string) => void,
  roles?: readonly Role[],
): Promise<number> {
  const findings = await diagnose(env, roles);
  for (const { severity, what, message } of findings) print(`${MARK[severity]} ${what}: ${message}`);
  const failing = findings.filter((finding) => finding.severity !== 'warning').length;
  const warnings = findings.length - failing;
  print(
    findings.length === 0
      ? 'sendcode doctor: the configuration and Redis look right.'
      : `sendcode doctor: ${failing} problem${failing === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}.`,
  );
  return failing > 0 ? 1 : 0;
}

/** Each invalid variable once, naming the roles that refuse it. */
function configFindings(env: NodeJS.ProcessEnv, roles: readonly Role[]): DoctorFinding[] {
  const byProblem = new Map<string, { what: string; message: string; roles: Role[] }>();
  for (const role of roles) {
    const result = (ROLES[role] as z.ZodType).safeParse(env);
    for (const issue of result.error?.issues ?? []) {
      const what = issue.path.join('.') || '(environment)';
      const message = issue.code === 'invalid_type' && env[what] === undefined ? 'is not set' : issue.message;
      const key = `${what}\n${message}`;
      const seen = byProblem.get(key) ?? { what, message, roles: [] };
      seen.roles.push(role);
      byProblem.set(key, seen);
    }
  }
  return [...byProblem.values()].map(({ what, message, roles: refusing }) => ({
    severity: 'error',
    what,
    message: `${message} (the ${refusing.join(' and ')} refuse${refusing.length === 1 ? 's' : ''} to start)`,
  }));
}

/** Half-configured providers (the workers refuse to start), and channels nothing can send on. */
function providerFindings(env: WorkersEnv): DoctorFinding[] {
  let channels: ReturnType<typeof buildChannels>;
  try {
    channels = buildChannels(env);
  } catch (error) {
    const message =
      error instanceof Error ? error.message.replace(/^invalid configuration:\s*/, '') : String(error);
    return [{ severity: 'error', what: 'providers', message: `${message} (the workers refuse to start)` }];
  }
  const unsendable = (['email', 'sms', 'voice'] as const).filter((channel) => channels[channel].length === 0);
  return unsendable.map((channel) => ({
    severity: 'warning',
    what: 'providers',
    message: `no ${channel} provider has credentials: every ${channel} send fails over or fails.`,
  }));
}

/**
 * Connects to each server REDIS_URL names (each seed of a cluster) and checks it, and with durable
 * accept asked for (`waitReplicas`), that each master among them has that many replicas connected.
 */
async function redisFindings(url: string, waitReplicas: number): Promise<DoctorFinding[]> {
  let target: ReturnType<typeof parseRedisUrl>;
  try {
    target = parseRedisUrl(url);
  } catch {
    return []; // configFindings already names REDIS_URL
  }
  const options = {
    lazyConnect: true,
    connectTimeout: TIMEOUT_MS,
    commandTimeout: TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  } satisfies RedisOptions;
  const servers =
    target.kind === 'single'
      ? [new Redis(target.url, options)]
      : target.nodes.map(
          (node) =>
            new Redis({
              ...options,
              ...node,
              ...(target.username === undefined ? {} : { username: target.username }),
              ...(target.password === undefined ? {} : { password: target.password }),
              ...(target.tls ? { tls: {} } : {}),
            }),
        );
  try {
    const unreachable: DoctorFinding[] = [];
    const reached: Redis[] = [];
    for (const server of servers) {
      server.on('error', () => {}); // connect() rejects with the same error, reported below
      try {
        await server.connect();
        reached.push(server);
      } catch (error) {
        const where = `${server.options.host}:${server.options.port}`;
        const why = error instanceof Error ? error.message : String(error);
        unreachable.push({ severity: 'error', what: 'Redis', message: `cannot reach ${where} (${why}).` });
      }
    }
    if (reached.length === 0) return unreachable;
    const found = await checkRedisServers(reached, target.kind);
    return [
      ...unreachable,
      ...found.map(({ severity, message }) => ({ severity, what: 'Redis', message })),
      ...(await replicaFindings(reached, waitReplicas)),
    ];
  } finally {
    for (const server of servers) server.disconnect();
  }
}

/** Each WAIT asks for `wanted` replicas: a master with fewer connected makes every start it holds answer 503. */
async function replicaFindings(servers: readonly Redis[], wanted: number): Promise<DoctorFinding[]> {
  if (!(wanted > 0)) return [];
  const findings: DoctorFinding[] = [];
  for (const server of servers) {
    const info = parseInfo(await server.info('replication'));
    const connected = Number(info.get('connected_slaves') ?? 0);
    if (info.get('role') !== 'master' || connected >= wanted) continue;
    findings.push({
      severity: 'error',
      what: 'REDIS_WAIT_REPLICAS',
      message: `Redis ${server.options.host}:${server.options.port} has ${connected} replica${connected === 1 ? '' : 's'} connected, fewer than the ${wanted} asked for: every start whose keys it holds answers 503, and every send it records is retried.`,
    });
  }
  return findings;
}

/** PUBLIC_URL must reach this gateway, or no provider receipt ever arrives. */
async function publicUrlFindings(publicUrl: string): Promise<DoctorFinding[]> {
  const url = new URL('healthz', publicUrl.endsWith('/') ? publicUrl : `${publicUrl}/`);
  const problem = (why: string): DoctorFinding[] => [
    {
      severity: 'error',
      what: 'PUBLIC_URL',
      message: `${url.origin}${url.pathname} ${why}: providers post receipts there, so without it every SMS and call waits out its receipt timeout and fails over.`,
    },
  ];
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'manual' });
    return response.ok ? [] : problem(`answered ${response.status}`);
  } catch (error) {
    return problem(
      `is not reachable (${error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error)})`,
    );
  }
}
