import { createHash } from 'node:crypto';
import { AlgorithmTypes, Auth } from '@vonage/auth';
import { verifySignature } from '@vonage/jwt';
import { SMS } from '@vonage/sms';
import { describe, expect, it } from 'vitest';
import { unverifiedClaim, vonageSmsSignature, vonageWebhookToken } from './signatures.ts';

describe('vonageSmsSignature', () => {
  const sms = new SMS(new Auth({ apiKey: 'key', apiSecret: 'secret' }));
  const params = {
    msisdn: '819012345678',
    to: 'Contoso',
    messageId: '0A0000001234567B',
    status: 'delivered',
    'err-code': '0',
    'client-ref': 'ver_1:0',
    'message-timestamp': '2024-03-05 10:00:00',
    timestamp: '1709632800',
    nonce: 'a=b&c',
  };

  it('is what SMS.verifySignature accepts with SHA-256 HMAC', () => {
    const sig = vonageSmsSignature(params, 'signature-secret');
    expect(sig).toMatch(/^[0-9A-F]{64}$/);
    expect(sms.verifySignature(sig, { ...params, sig }, 'signature-secret', AlgorithmTypes.sha256hmac)).toBe(
      true,
    );
    expect(sms.verifySignature(sig, params, 'other-secret', AlgorithmTypes.sha256hmac)).toBe(false);
    expect(
      sms.verifySignature(
        sig,
        { ...params, status: 'failed' },
        'signature-secret',
        AlgorithmTypes.sha256hmac,
      ),
    ).toBe(false);
  });

  it('ignores a sig among the params', () => {
    expect(vonageSmsSignature({ ...params, sig: 'anything' }, 's')).toBe(vonageSmsSignature(params, 's'));
  });
});

describe('vonageWebhookToken', () => {
  const body = JSON.stringify({ uuid: 'u', status: 'answered' });
  const token = vonageWebhookToken(body, 'signature-secret', { apiKey: 'key', applicationId: 'app-1' });

  it('is what @vonage/jwt verifySignature accepts with the signature secret', () => {
    expect(verifySignature(token, 'signature-secret')).toBe(true);
    expect(verifySignature(token, 'other-secret')).toBe(false);
  });

  it('carries the payload hash and the account', () => {
    const [, payload = ''] = token.split('.');
    expect(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))).toEqual({
      iat: expect.any(Number),
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
      iss: 'Vonage',
      payload_hash: createHash('sha256').update(body).digest('hex'),
      api_key: 'key',
      application_id: 'app-1',
    });
    expect(unverifiedClaim(token, 'application_id')).toBe('app-1');
    expect(unverifiedClaim(token, 'iat')).toBeUndefined();
    expect(unverifiedClaim('not a jwt', 'application_id')).toBeUndefined();
  });
});
