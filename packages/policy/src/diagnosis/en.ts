/** English diagnoses. */

import type { ProviderName } from '../providers.ts';
import type { ChannelName } from '../types.ts';
import type { DiagnosisStrings } from './strings.ts';
import type { DiagnosisFacts } from './types.ts';

const channels: Record<ChannelName, string> = { email: 'email', sms: 'SMS', voice: 'phone call' };
const via = (channel: ChannelName | undefined) => (channel ? `by ${channels[channel]}` : '');
const fresh = 'Suggest: start a new verification for the user.';
const times = (f: DiagnosisFacts) => (f.refusals > 1 ? ` (refused ${f.refusals} times)` : '');
const providers: Record<ProviderName, string> = {
  smtp: 'our mail server',
  twilio: 'Twilio',
  vonage: 'Vonage',
};
const sends: Record<ChannelName, string> = { email: 'email', sms: 'SMS messages', voice: 'calls' };
const name = (provider: ProviderName | undefined) => (provider ? providers[provider] : 'another provider');

const SCOPES: Record<string, string> = {
  destination: 'too many codes were sent to this destination in the last few minutes',
  destination_day: 'too many codes were sent to this destination today',
  account: 'too many codes were requested for this account',
  ip: 'too many codes were requested from the same IP address',
  client: 'the app sent too many requests',
  prefix: 'too many codes were sent to this number range',
  spend: "the app's daily SMS and call budget was used up",
};

const BLOCKS: Record<string, string> = {
  country: 'codes are not sent to this country for this app',
  prefix_suspended: 'codes to this number range are suspended for a while (almost none were being used)',
};

const outcome = (f: DiagnosisFacts) =>
  f.status === 'approved'
    ? 'The user then entered the code correctly.'
    : 'The user has not entered the code yet.';

/** After a send failed on our side: whether another channel of the plan took over. */
const movedOn = (f: DiagnosisFacts) =>
  f.status === 'failed'
    ? 'No channel of the plan could send it, so the verification failed.'
    : `We sent the code ${via(f.lastChannel) || 'on the next channel of the plan'} instead${f.delivered ? ', which was delivered' : ''}. ${outcome(f)}`;

export const en: DiagnosisStrings = {
  channels,
  outcome,
  codes: {
    rate_limited: {
      summary: (f) => `No code was sent: ${SCOPES[f.scope ?? ''] ?? 'a rate limit was reached'}${times(f)}.`,
      suggestion: () => 'Suggest: ask the user to wait a few minutes before asking for a new code.',
    },
    fraud_blocked: {
      summary: (f) =>
        `No code was sent: the fraud guard blocked it because ${BLOCKS[f.block ?? ''] ?? 'the destination is blocked'}${times(f)}.`,
      suggestion: () =>
        'Suggest: check that the number is right; if the user is genuine, use another number or email, or ask an administrator to review the allowed countries.',
    },
    locked: {
      summary: (f) => `The verification was locked after ${f.attempts} wrong codes.`,
      suggestion: () =>
        'Suggest: make sure the user types the latest code they received, then start a new verification.',
    },
    expired_unused: {
      summary: (f) =>
        f.attempts > 0
          ? `The code expired after ${f.attempts} wrong ${f.attempts === 1 ? 'try' : 'tries'}, without the right code being entered.`
          : `The code was sent ${via(f.lastChannel)} but expired without being used.`,
      suggestion: () => `${fresh} Ask them to enter it soon after it arrives.`,
    },
    canceled: {
      summary: () => 'The verification was canceled by the app before the code was used.',
      suggestion: () => `${fresh}`,
    },
    delivery_failed: {
      summary: () => 'We could not deliver the code on any channel of the plan.',
      suggestion: () =>
        'Suggest: check the phone number or email address with the user, or offer another channel.',
    },
    code_unreadable: {
      summary: (f) =>
        `Our server could not read the stored code to send it (it was sealed with a server secret this server does not have, or it was damaged). ${movedOn(f)}`,
      suggestion: (f) =>
        `Suggest: ${f.status === 'failed' ? 'start a new verification for the user, and ' : ''}tell an administrator: the gateway and every worker must have the same SENDCODE_SECRET (and, after a rotation, SENDCODE_PREVIOUS_SECRETS).`,
    },
    message_unrenderable: {
      summary: (f) =>
        `We could not write the message: the brand or the app's message settings cannot be used in a message (for example a brand that looks like a web address). ${movedOn(f)}`,
      suggestion: (f) =>
        `Suggest: ask an administrator to check the brand the app sends and the app's message settings${f.status === 'failed' ? ', then start a new verification' : ''}.`,
    },
    adapter_error: {
      summary: (f) =>
        `Our connection to a provider failed in an unexpected way (a fault on our side, not the user's). ${movedOn(f)}`,
      suggestion: () =>
        "Suggest: tell an administrator (the workers' log names the provider); if the verification failed, start a new one.",
    },
    carrier_mail_rejected: {
      summary: (f) =>
        `The user's carrier mail refused our email (PC mail is probably blocked on that address). We sent ${channels[f.lastChannel ?? 'sms']} instead${f.delivered ? ', which was delivered' : ''}.`,
      suggestion: () => 'Suggest: ask them to allow mail from our domain, or use SMS.',
    },
    no_receipt_next_channel: {
      summary: (f) =>
        `The first provider accepted the message but never confirmed delivery, so we tried ${channels[f.lastChannel ?? 'voice']} next${f.delivered ? ', which was delivered' : ''}.`,
      suggestion: () =>
        'Suggest: if the user still has nothing, check that the phone is on and has signal, or use another channel.',
    },
    undelivered_next_channel: {
      summary: (f) =>
        `The carrier reported the message as undelivered, so we tried ${channels[f.lastChannel ?? 'voice']} next${f.delivered ? ', which was delivered' : ''}.`,
      suggestion: () =>
        'Suggest: check the number with the user; the phone may be off or unable to receive texts.',
    },
    providers_failing_next_channel: {
      summary: (f) =>
        `Every ${channels[f.firstChannel ?? 'sms']} provider kept failing (an outage on their side), so after retrying for a few seconds we sent the code ${via(f.lastChannel) || 'on the next channel of the plan'} instead${f.delivered ? ', which was delivered' : ''}.`,
      suggestion: (f) =>
        `Suggest: nothing is wrong with the user's details; tell them to expect the code ${via(f.lastChannel) || 'on the other channel'}. The outage is on the providers' side.`,
    },
    provider_outage: {
      summary: (f) =>
        `Our first ${channels[f.lastChannel ?? 'sms']} provider was failing, so we sent the code through the other provider${f.delivered ? ', which delivered it' : ''}.`,
      suggestion: () =>
        'Suggest: nothing needed from the user; the outage is on our side and was worked around.',
    },
    failed_over: {
      summary: (f) =>
        `The first delivery ${via(f.firstChannel)} failed, so we sent the code ${via(f.lastChannel)} instead${f.delivered ? ', which was delivered' : ''}.`,
      suggestion: () => 'Suggest: confirm the contact details with the user.',
    },
    fixed_line_called: {
      summary: (f) =>
        `The number is a landline, which cannot receive SMS, so we called it and read the code out${f.delivered ? '; the call went through' : ''}.`,
      suggestion: () => 'Suggest: tell the user to expect a call on that line, or to give a mobile number.',
    },
    routed_around_provider: {
      summary: (f) => {
        const around = name(f.routedAround);
        return `${around.charAt(0).toUpperCase()}${around.slice(1)} was not delivering ${sends[f.lastChannel ?? 'sms']} (many messages it accepted were not delivered), so we sent the code through ${name(f.routedVia)}${f.delivered ? ', which delivered it' : ''}.`;
      },
      suggestion: () =>
        'Suggest: nothing needed from the user; we routed around a provider that was not delivering. If the code has not arrived, offer a resend.',
    },
    approved: {
      summary: (f) => `The code was sent ${via(f.lastChannel)} and the user entered it correctly.`,
      suggestion: () => 'Suggest: nothing to do; the verification succeeded.',
    },
    delivered: {
      summary: (f) => `The code was delivered ${via(f.lastChannel)}.`,
      suggestion: (f) =>
        `Suggest: ask the user to check their ${channels[f.lastChannel ?? 'sms']} and enter the code (${f.minutesLeft} min left).`,
    },
    pending: {
      summary: (f) =>
        f.lastChannel
          ? `The code is on its way ${via(f.lastChannel)}; no delivery receipt yet.`
          : 'The code is waiting to be sent.',
      suggestion: (f) => `Suggest: wait a minute and refresh (${f.minutesLeft} min left before it expires).`,
    },
  },
};
