import type { checkResult, ErrorCode, verificationView } from '@sendcode/contract';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { type CheckResult, SendcodeError, type SendcodeErrorCode, type Verification } from './index.ts';

/**
 * Type-level checks, enforced by `tsc` (the repository's typecheck covers test files): the client's
 * types are the contract's, so a change of schema or error table changes them, or fails here.
 */
describe("the client's types come from @sendcode/contract", () => {
  it("types SendcodeError.code by the API's error table, and refuses an unknown code", () => {
    expectTypeOf<SendcodeError['code']>().toEqualTypeOf<SendcodeErrorCode>();
    expectTypeOf<SendcodeErrorCode>().toEqualTypeOf<ErrorCode | 'network_error' | 'unexpected_response'>();
    expectTypeOf<'rate_limited'>().toExtend<SendcodeErrorCode>();
    expectTypeOf<'rate_limted'>().not.toExtend<SendcodeErrorCode>();

    const error = new SendcodeError({ status: 429, code: 'rate_limited', message: 'Too many requests.' });
    // @ts-expect-error a code the API does not have: a typo no longer compiles
    const typo = error.code === 'rate_limted';
    expect(typo).toBe(false);
    // @ts-expect-error nor can one be made up
    expect(new SendcodeError({ status: 400, code: 'no_such_code', message: 'x' }).code).toBe('no_such_code');
  });

  it('types answers by the response schemas', () => {
    expectTypeOf<CheckResult['status']>().toEqualTypeOf<z.output<typeof checkResult>['status']>();
    expectTypeOf<Verification['remainingAttempts']>().toEqualTypeOf<number>();
    expectTypeOf<Verification['plan'][number]['channel']>().toEqualTypeOf<
      z.output<typeof verificationView>['plan'][number]['channel']
    >();
    expectTypeOf<Verification['status']>().toEqualTypeOf<
      'pending' | 'approved' | 'expired' | 'locked' | 'canceled' | 'failed'
    >();
  });
});
