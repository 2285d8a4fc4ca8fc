/**
 * The twilio client's transport alone (`node --conditions=source --import tsx bench/twilio-transport.ts`):
 * N messages.create calls at 20 concurrent, through the SDK's default RequestClient (axios) and through
 * ours (undici, packages/channels/src/providers/twilio/transport.ts), in alternating rounds, to a
 * sandbox in its own process. Prints this process's CPU ms per send: the client's share of a send.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { SANDBOX_ACCOUNTS } from '@sendcode/policy';
import { freePort } from '@sendcode/testing';
import twilio from 'twilio';
import { UndiciRequestClient } from '../packages/channels/src/providers/twilio/transport.ts';

const N = Number(process.env.BENCH_N ?? 3000);
const CONCURRENCY = 20;
const ROUNDS = 3;

const port = await freePort();
const sandbox = spawn(
  process.execPath,
  ['--conditions=source', '--import', 'tsx', 'apps/sandbox/src/main.ts'],
  {
    env: { ...process.env, SANDBOX_PORT: String(port), SANDBOX_SMTP_PORT: String(await freePort()) },
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
await once(sandbox.stdout, 'data');

/** CPU ms of this process per send, after a warm-up of N sends. */
async function cpuPerSend(client: twilio.Twilio): Promise<number> {
  client.api.baseUrl = `http://127.0.0.1:${port}`;
  let next = 0;
  const sender = async () => {
    while (next++ < N) {
      await client.messages.create({
        to: '+819012345678',
        from: '+15005550006',
        body: 'Your code is 123456',
      });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, sender));
  next = 0;
  const before = process.cpuUsage();
  await Promise.all(Array.from({ length: CONCURRENCY }, sender));
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / N;
}

const axios: number[] = [];
const undici: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  axios.push(
    await cpuPerSend(twilio(SANDBOX_ACCOUNTS.twilio, 'token', { timeout: 10_000, autoRetry: false })),
  );
  undici.push(
    await cpuPerSend(
      twilio(SANDBOX_ACCOUNTS.twilio, 'token', { httpClient: new UndiciRequestClient(10_000) }),
    ),
  );
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
console.log(`CPU ms per send, axios (the SDK's): ${axios.map((v) => v.toFixed(3)).join(' ')}`);
console.log(`CPU ms per send, undici (ours):     ${undici.map((v) => v.toFixed(3)).join(' ')}`);
console.log(`median ratio undici ÷ axios:        ${(median(undici) / median(axios)).toFixed(2)}`);
sandbox.kill();
process.exit(0);
