import { describe, expect, it } from 'vitest';
import { isGsm7 } from './gsm7.ts';

describe('isGsm7', () => {
  it.each([
    ['Your Contoso code is 123456. Ignore this if you did not ask for it.', true],
    ['Código: 123456 — válido 10 min', false],
    ['Zürich {code} [123] ~ €5 ^_^', true],
    ['【Contoso】認証コード: 123456', false],
    ['Code 123456 🔐', false],
  ])('%j -> %s', (text, gsm) => {
    expect(isGsm7(text)).toBe(gsm);
  });
});
