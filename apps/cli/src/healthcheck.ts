import { get } from 'node:http';
import { parseEnv, port } from '@sendcode/runtime';
import { z } from 'zod';

/**
 * `sendcode healthcheck`: the container image's HEALTHCHECK, one for every role. A container runs
 * one role, and each role serves `/healthz` on its own port (the gateway on PORT, the workers on
 * WORKERS_METRICS_PORT, the sandbox on SANDBOX_PORT), so the role that listens is the one to ask:
 * the first port that takes the connection decides, and its `/healthz` must answer 200. Nothing
 * listening is unhealthy too. It loads no app code: it runs every few seconds beside the role.
 */

/** The roles that serve `/healthz`, in the order their ports are tried. */
export const HEALTH_ROLES = ['gateway', 'workers', 'sandbox'] as const;
export type HealthRole = (typeof HEALTH_ROLES)[number];

/** The same variables, with the same defaults, as the roles themselves read. */
const healthEnv = z.object({
  HOST: z.string().default('127.0.0.1'),
  PORT: port(8080),
  WORKERS_HOST: z.string().default('127.0.0.1'),
  WORKERS_METRICS_PORT: port(9464),
  SANDBOX_HOST: z.string().default('127.0.0.1'),
  SANDBOX_PORT: port(4010),
});

/** A wildcard bind address is reached on loopback; any other is asked where it listens. */
const reach = (host: string) => (host === '0.0.0.0' || host === '::' || host === '' ? '127.0.0.1' : host);

/** Each role's `/healthz`, as the environment configures it. */
export function healthUrls(env: NodeJS.ProcessEnv): Record<HealthRole, string> {
  const config = parseEnv(healthEnv, env);
  const url = (host: string, at: number) => {
    const address = reach(host);
    return `http://${address.includes(':') ? `[${address}]` : address}:${at}/healthz`;
  };
  return {
    gateway: url(config.HOST, config.PORT),
    workers: url(config.WORKERS_HOST, config.WORKERS_METRICS_PORT),
    sandbox: url(config.SANDBOX_HOST, config.SANDBOX_PORT),
  };
}

/** What a probe found: nothing listening, or the role's answer (a status, or why there was none). */
type Probe = { readonly listening: false } | { readonly listening: true; readonly answer: number | string };

function probe(url: string, timeoutMs: number): Promise<Probe> {
  return new Promise((resolve) => {
    const request = get(url, { timeout: timeoutMs }, (response) => {
      response.resume();
      resolve({ listening: true, answer: response.statusCode ?? 0 });
    });
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', (error: NodeJS.ErrnoException) =>
      resolve(
        error.code === 'ECONNREFUSED' ? { listening: false } : { listening: true, answer: error.message },
      ),
    );
  });
}

/** Whether the role this container runs is healthy, and a line saying which role and what it said. */
export async function healthcheck(
  env: NodeJS.ProcessEnv,
  roles: readonly HealthRole[] = HEALTH_ROLES,
  timeoutMs = 3_000,
): Promise<{ readonly ok: boolean; readonly message: string }> {
  const urls = healthUrls(env);
  for (const role of roles) {
    const found = await probe(urls[role], timeoutMs);
    if (!found.listening) continue;
    return { ok: found.answer === 200, message: `${role} ${urls[role]}: ${found.answer}` };
  }
  return { ok: false, message: `nothing listens at ${roles.map((role) => urls[role]).join(', ')}` };
}
