import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { SANDBOX_ACCOUNTS } from '@sendcode/policy';

/** Credentials the real clients use against a sandbox: any values work, they only have to agree. */
export interface SandboxCredentials {
  readonly twilioAuthToken: string;
  readonly vonageApplicationId: string;
  /** PEM; the Vonage voice client signs its JWTs with it. */
  readonly vonagePrivateKey: string;
  /** The sandbox signs Vonage receipts with it and the gateway checks them with it. */
  readonly vonageSignatureSecret: string;
}

/** Fresh random credentials (tests, benchmarks). */
export function newSandboxCredentials(): SandboxCredentials {
  return {
    twilioAuthToken: randomBytes(16).toString('hex'),
    vonageApplicationId: randomUUID(),
    vonagePrivateKey: newPrivateKey(),
    vonageSignatureSecret: randomBytes(16).toString('hex'),
  };
}

/** A 2048-bit RSA private key in PKCS#8 PEM. */
export function newPrivateKey(): string {
  return generateKeyPairSync('rsa', { modulusLength: 2048 })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
}

/**
 * The provider environment that points the real nodemailer, `twilio` and `@vonage/server-sdk`
 * clients of the gateway and the workers at a sandbox — what `npm start`, the tests and the
 * benchmark use when no real provider is configured.
 */
export function sandboxProviderEnv(
  sandbox: { readonly httpUrl: string; readonly smtpPort: number },
  credentials: SandboxCredentials,
  mailFrom = 'Sendcode <no-reply@sendcode.localhost>',
): Record<string, string> {
  return {
    SMTP_URL: `smtp://127.0.0.1:${sandbox.smtpPort}`,
    MAIL_FROM: mailFrom,
    // Placeholder accounts no provider issues: the gateway and workers recognise them as unbillable.
    TWILIO_ACCOUNT_SID: SANDBOX_ACCOUNTS.twilio,
    TWILIO_AUTH_TOKEN: credentials.twilioAuthToken,
    TWILIO_FROM: '+15005550006',
    TWILIO_API_BASE_URL: sandbox.httpUrl,
    VONAGE_API_KEY: SANDBOX_ACCOUNTS.vonage,
    VONAGE_API_SECRET: 'sandbox-secret',
    VONAGE_APPLICATION_ID: credentials.vonageApplicationId,
    VONAGE_PRIVATE_KEY: credentials.vonagePrivateKey,
    VONAGE_FROM: 'Sendcode',
    VONAGE_SIGNATURE_SECRET: credentials.vonageSignatureSecret,
    VONAGE_REST_HOST: sandbox.httpUrl,
    VONAGE_API_HOST: sandbox.httpUrl,
  };
}
