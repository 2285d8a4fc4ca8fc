import { AlgorithmTypes, Auth } from '@vonage/auth';
import { SMS } from '@vonage/sms';
import { describe, expect, it } from 'vitest';
import { constantTimeEqual, isVonageSmsSignature } from './signature.ts';

const secret = 'v'.repeat(32);
const params = {
  messageId: '0A0000001234567B',
  status: 'delivered',
  'client-ref': 'ver_0123456789abcdef0123456789abcdef.1',
  'err-code': '0',
  timestamp: '1700000000',
  note: 'a&b=c',
};
/** The HMAC-SHA256 signature of `params`, computed independently of both implementations. */
const sig = '8373645C6396D3C8997A049C1F654C61E409BFA1B52CCFF52EB004F664C783F5';

describe('isVonageSmsSignature', () => {
  it('accepts the signature @vonage/sms accepts, in either case, with or without sig among the params', () => {
    const sdk = new SMS(new Auth({ apiKey: 'key', apiSecret: 'secret' }));
    expect(sdk.verifySignature(sig, params, secret, AlgorithmTypes.sha256hmac)).toBe(true);
    expect(isVonageSmsSignature(sig, params, secret)).toBe(true);
    expect(isVonageSmsSignature(sig.toLowerCase(), params, secret)).toBe(true);
    expect(isVonageSmsSignature(sig, { ...params, sig }, secret)).toBe(true);
  });

  it('refuses another secret, a changed parameter, and signatures of any other length, without throwing', () => {
    expect(isVonageSmsSignature(sig, params, 'w'.repeat(32))).toBe(false);
    expect(isVonageSmsSignature(sig, { ...params, status: 'failed' }, secret)).toBe(false);
    expect(isVonageSmsSignature(sig.slice(1), params, secret)).toBe(false);
    expect(isVonageSmsSignature(`${sig}0`, params, secret)).toBe(false);
    expect(isVonageSmsSignature('', params, secret)).toBe(false);
    // As many characters as a signature, but twice the bytes.
    expect(isVonageSmsSignature('é'.repeat(64), params, secret)).toBe(false);
  });
});

describe('constantTimeEqual', () => {
  it('is true for equal strings only, and false (not a throw) for different byte lengths', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
    expect(constantTimeEqual('é', 'ab')).toBe(false);
  });
});
