import { describe, expect, it } from 'vitest';
import { API_ERRORS, ERROR_CODES, errorBody } from './errors.ts';
import { createVerificationBody, resendBody } from './requests.ts';
import { verificationId } from './values.ts';

describe('the error table', () => {
  it('gives every code an error status and a sentence', () => {
    for (const code of ERROR_CODES) {
      const { status, message } = API_ERRORS[code];
      expect(status, code).toBeGreaterThanOrEqual(400);
      expect(status, code).toBeLessThan(600);
      expect(message, code).toMatch(/^\S.*\.$/);
    }
  });

  it('is what an error body may carry, and nothing else', () => {
    for (const code of ERROR_CODES) {
      expect(errorBody.safeParse({ error: { code, message: 'm' } }).success, code).toBe(true);
    }
    expect(errorBody.safeParse({ error: { code: 'no_such_code', message: 'm' } }).success).toBe(false);
  });
});

describe('the request schemas', () => {
  it('accept a minimal create and trim it; refuse unknown fields and a brand that is a link', () => {
    expect(createVerificationBody.parse({ to: ' +819012345678 ' })).toEqual({ to: '+819012345678' });
    expect(createVerificationBody.safeParse({ to: '+819012345678', extra: 1 }).success).toBe(false);
    expect(createVerificationBody.safeParse({ to: '+819012345678', brand: 'evil.example' }).success).toBe(
      false,
    );
  });

  it('take an empty resend, and only ids as we mint them', () => {
    expect(resendBody.parse({})).toEqual({});
    expect(verificationId.safeParse(`ver_${'0a'.repeat(16)}`).success).toBe(true);
    expect(verificationId.safeParse('ver_123').success).toBe(false);
  });
});
