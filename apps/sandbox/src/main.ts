import { parseEnv, port, signatureSecret } from '@sendcode/runtime';
import { z } from 'zod';
import { DEFAULT_VONAGE_SIGNATURE_SECRET, dkimKeysFromEnv, startSandbox } from './index.ts';

const env = parseEnv(
  z.object({
    SANDBOX_HOST: z.string().min(1).default('127.0.0.1'),
    SANDBOX_PORT: port(4010),
    SANDBOX_SMTP_PORT: port(2525),
    SANDBOX_RECEIPT_DELAY_MS: z.coerce.number().int().min(0).max(600_000).default(50),
    VONAGE_SIGNATURE_SECRET: signatureSecret,
  }),
);

const sandbox = await startSandbox({
  host: env.SANDBOX_HOST,
  httpPort: env.SANDBOX_PORT,
  smtpPort: env.SANDBOX_SMTP_PORT,
  receiptDelayMs: env.SANDBOX_RECEIPT_DELAY_MS,
  vonageSignatureSecret: env.VONAGE_SIGNATURE_SECRET ?? DEFAULT_VONAGE_SIGNATURE_SECRET,
  dkimKeys: dkimKeysFromEnv(process.env),
});
console.log(
  `sandbox: http ${sandbox.httpUrl} (Twilio, Vonage, /messages, /faults, /requests), smtp ${env.SANDBOX_HOST}:${sandbox.smtpPort}`,
);

let closing = false;
const shutdown = (signal: NodeJS.Signals) => {
  if (closing) return;
  closing = true;
  sandbox.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(`sandbox: error while closing on ${signal}`, error);
      process.exit(1);
    },
  );
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
