import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { FaultBook } from './book.ts';

describe('FaultBook', () => {
  it('applies the first fault matching the provider and, when it names one, the channel', () => {
    const book = new FaultBook();
    const voice = book.add({ provider: 'twilio', channel: 'voice', mode: 'reject' });
    const any = book.add({ provider: 'twilio', mode: 'error', status: 429 });
    expect(book.take('twilio', 'voice')).toEqual(voice);
    expect(book.take('twilio', 'sms')).toEqual(any);
    expect(book.take('vonage', 'sms')).toBeUndefined();
  });

  it('fills in defaults and gives every fault an id', () => {
    const book = new FaultBook();
    expect(book.add({ provider: 'smtp', mode: 'timeout' })).toEqual({
      id: 'flt_1',
      provider: 'smtp',
      mode: 'timeout',
      rate: 1,
      latencyMs: 0,
    });
    expect(book.add({ provider: 'vonage', mode: 'no_receipt' }).id).toBe('flt_2');
  });

  it('uses up a counted fault, then lets requests through', () => {
    const book = new FaultBook();
    book.add({ provider: 'vonage', channel: 'sms', mode: 'error', count: 2 });
    expect(book.take('vonage', 'sms')).toMatchObject({ count: 2 });
    expect(book.list()).toMatchObject([{ count: 1 }]);
    expect(book.take('vonage', 'sms')).toMatchObject({ count: 1 });
    expect(book.take('vonage', 'sms')).toBeUndefined();
    expect(book.list()).toEqual([]);
  });

  it('draws against the rate, and a miss falls through to the next fault without using it up', () => {
    const draws = [0.5, 0.5, 0.2];
    const book = new FaultBook(() => draws.shift() ?? 0);
    book.add({ provider: 'twilio', mode: 'reject', rate: 0.3, count: 1 });
    book.add({ provider: 'twilio', mode: 'timeout', rate: 0.6 });
    expect(book.take('twilio', 'sms')).toMatchObject({ mode: 'timeout' });
    expect(book.take('twilio', 'sms')).toMatchObject({ mode: 'reject' });
    expect(book.list()).toMatchObject([{ mode: 'timeout' }]);
  });

  it('never applies a fault with rate 0', () => {
    const book = new FaultBook();
    book.add({ provider: 'smtp', mode: 'error', rate: 0 });
    for (let i = 0; i < 100; i++) expect(book.take('smtp', 'email')).toBeUndefined();
  });

  it('refuses faults that cannot happen', () => {
    const book = new FaultBook();
    expect(() => book.add({ provider: 'smtp', channel: 'sms', mode: 'error' })).toThrow(ZodError);
    expect(() => book.add({ provider: 'smtp', mode: 'undelivered' })).toThrow(/no delivery receipts/);
    expect(() => book.add({ provider: 'twilio', mode: 'reject', status: 400 })).toThrow(
      /only applies to mode error/,
    );
    expect(book.list()).toEqual([]);
  });
});
