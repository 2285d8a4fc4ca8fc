import { describe, expect, it } from 'vitest';
import { MessageLog, normaliseDestination, parseCode } from './messages.ts';

describe('parseCode', () => {
  it.each([
    ['Your Contoso code is 123456. It expires in 10 minutes.', '123456'],
    ['Contoso: 0042 is your code', '0042'],
    ['Order 12 of 2: code 98765432', '98765432'],
    ['Account 12345678901 — code 4321', '4321'],
    ['認証コード：583920（10分間有効）', '583920'],
    ['No code here, only 123', null],
  ])('finds the written code in %j', (text, code) => {
    expect(parseCode('sms', text)).toBe(code);
    expect(parseCode('email', text)).toBe(code);
  });

  it.each([
    ['Contoso. Your code is 1, 2, 3, 4, 5, 6. Again, your code is 1, 2, 3, 4, 5, 6.', '123456'],
    ['Contoso です。認証コードは、5、8、3、9、2、0、です。繰り返します。', '583920'],
    ['Code: 4. 3. 2. 1.', '4321'],
    ['1 2 3 4 5 6 7 8 9 0', '1234567890'],
    ['Press 1 or 2, then your code 9, 8, 7, 6', '9876'],
    ['Your code is 123456', null],
    ['Room 1, 2, 3 and floor 4', null],
  ])('finds the spoken code in %j', (text, code) => {
    expect(parseCode('voice', text)).toBe(code);
  });
});

describe('normaliseDestination', () => {
  it.each([
    ['+819012345678', '+819012345678'],
    [' 819012345678', '+819012345678'],
    ['819012345678', '+819012345678'],
    ['  +81 90-1234-5678 ', '+819012345678'],
    ['Taro@Docomo.NE.JP ', 'taro@docomo.ne.jp'],
  ])('%j -> %j', (raw, normalised) => {
    expect(normaliseDestination(raw)).toBe(normalised);
  });
});

describe('MessageLog', () => {
  it('lists by normalised destination, newest last, and clears', () => {
    const log = new MessageLog();
    log.record({
      channel: 'sms',
      provider: 'vonage',
      to: '819012345678',
      body: 'code 1111',
      providerMessageId: 'a',
    });
    log.record({
      channel: 'email',
      provider: 'smtp',
      to: 'A@B.example',
      body: 'code 2222',
      providerMessageId: 'b',
    });
    log.record({
      channel: 'voice',
      provider: 'twilio',
      to: '+819012345678',
      body: '3, 3, 3, 3',
      providerMessageId: 'c',
    });

    expect(log.list(' 819012345678').map((m) => [m.providerMessageId, m.code])).toEqual([
      ['a', '1111'],
      ['c', '3333'],
    ]);
    expect(log.list('a@b.example')).toMatchObject([{ to: 'a@b.example', code: '2222' }]);
    expect(log.list()).toHaveLength(3);
    log.clear();
    expect(log.list()).toEqual([]);
  });
});
