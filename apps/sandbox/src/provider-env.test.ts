import { signatureSecret } from '@sendcode/runtime';
import { expect, it } from 'vitest';
import { DEFAULT_VONAGE_SIGNATURE_SECRET } from './index.ts';
import { newSandboxCredentials, sandboxProviderEnv } from './provider-env.ts';

it('signs with secrets the gateway accepts: its default and every generated one', () => {
  const env = sandboxProviderEnv(
    { httpUrl: 'http://127.0.0.1:4010', smtpPort: 2525 },
    newSandboxCredentials(),
  );
  for (const secret of [
    DEFAULT_VONAGE_SIGNATURE_SECRET,
    env.TWILIO_AUTH_TOKEN,
    env.VONAGE_SIGNATURE_SECRET,
  ]) {
    expect(signatureSecret.safeParse(secret).success).toBe(true);
  }
});
