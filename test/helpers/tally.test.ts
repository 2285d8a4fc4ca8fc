import { parseCode, type SandboxChannel, type SandboxMessage, type SandboxProvider } from '@sendcode/sandbox';
import { describe, expect, it } from 'vitest';
import { tallyMessages } from './tally.ts';

/** A message as the sandbox records it, its code parsed from the body the way the sandbox does. */
function message(
  to: string,
  channel: SandboxChannel,
  provider: SandboxProvider,
  body: string,
  receivedAt: string,
): SandboxMessage {
  return {
    channel,
    provider,
    to,
    code: parseCode(channel, body),
    body,
    providerMessageId: `${provider}-${receivedAt}`,
    receivedAt,
    status: 'accepted',
  };
}

const sms = (code: string) => `${code} is your Contoso code. If you did not ask for it, ignore this message.`;
/** The message `run` throws with; fails the test when it does not throw. */
function failureOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  expect.fail('expected the tally to fail');
}

const PHONE = '+819012345678';
const MAIL = 'taro@example.com';

describe('tallyMessages', () => {
  it('counts a copy of the same code as a duplicate and reads the code', () => {
    const tally = tallyMessages(
      [
        message(PHONE, 'sms', 'twilio', sms('482913'), '2025-01-01T00:00:01.000Z'),
        message(MAIL, 'email', 'smtp', sms('771204'), '2025-01-01T00:00:01.500Z'),
        // The provider call timed out but had gone through: the retry sends the same code again.
        message(PHONE, 'sms', 'vonage', sms('482913'), '2025-01-01T00:00:11.000Z'),
      ],
      [PHONE, MAIL, '+819099999999'],
    );
    expect(tally).toMatchObject({ lost: 1, duplicated: 1 });
    expect(tally.codes).toEqual(
      new Map([
        [PHONE, '482913'],
        [MAIL, '771204'],
      ]),
    );
    expect(tally.firstAt.get(PHONE)).toBe(Date.parse('2025-01-01T00:00:01.000Z'));
    expect(tally.copies).toEqual([
      `${PHONE}: sms via twilio at 2025-01-01T00:00:01.000Z, sms via vonage at 2025-01-01T00:00:11.000Z`,
    ]);
  });

  it('fails on two different codes, naming channel, provider and arrival, never the codes', () => {
    const messages = [
      message(MAIL, 'email', 'smtp', sms('771204'), '2025-01-01T00:00:01.500Z'),
      message(PHONE, 'sms', 'twilio', sms('482913'), '2025-01-01T00:00:01.000Z'),
      message(
        PHONE,
        'voice',
        'vonage',
        'Contoso. Your code is 5, 0, 0, 6, 1, 8.',
        '2025-01-01T00:01:31.000Z',
      ),
    ];
    const failure = failureOf(() => tallyMessages(messages, [PHONE, MAIL]));
    expect(failure).toBe(
      `1 of 2 destinations did not get one and the same code:\n${PHONE}: 2 different codes: ` +
        'sms via twilio at 2025-01-01T00:00:01.000Z (code A), voice via vonage at 2025-01-01T00:01:31.000Z (code B)',
    );
    expect(failure).not.toMatch(/482913|500618/);
  });

  it('fails on two different codes even when the same code also came twice', () => {
    const run = () =>
      tallyMessages(
        [
          message(PHONE, 'sms', 'twilio', sms('482913'), '2025-01-01T00:00:01.000Z'),
          message(PHONE, 'sms', 'twilio', sms('482913'), '2025-01-01T00:00:02.000Z'),
          message(PHONE, 'sms', 'vonage', sms('120934'), '2025-01-01T00:00:03.000Z'),
        ],
        [PHONE],
      );
    expect(run).toThrow(`${PHONE}: 2 different codes:`);
    expect(run).toThrow('(code A), sms via twilio at 2025-01-01T00:00:02.000Z (code A), sms via vonage');
  });

  it('fails on a message with no code in it', () => {
    const run = () =>
      tallyMessages(
        [message(MAIL, 'email', 'smtp', 'Your code is below.', '2025-01-01T00:00:01.000Z')],
        [MAIL],
      );
    expect(run).toThrow(
      `${MAIL}: a message with no code: email via smtp at 2025-01-01T00:00:01.000Z (no code)`,
    );
  });
});
