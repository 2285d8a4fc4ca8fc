import type { SMTPServerSession } from 'smtp-server';
import type { SandboxContext } from '../context.ts';
import { type Fault, HANG_LIMIT_MS } from '../faults/fault.ts';
import { pause } from '../pause.ts';

type RcptCallback = (error?: Error | null) => void;

/** An SMTP reply the server gives instead of accepting a recipient or a message. */
export function reply(responseCode: number, text: string): Error {
  return Object.assign(new Error(text), { responseCode });
}

/**
 * Counts one RCPT TO and applies the fault that hits it, if any: `error` is a 4xx deferral (or the
 * fault's 4xx/5xx `status`), `reject` a 550 unknown user, `timeout` no reply until the client
 * gives up. Calls `accept` when the recipient should go through the sink's own checks, with the
 * fault when one hit that is judged later: `require_dkim` needs the message, which comes at DATA.
 */
export async function rcptWithFaults(
  context: Pick<SandboxContext, 'faults' | 'requests'>,
  hungUp: AbortSignal,
  callback: RcptCallback,
  accept: (fault?: Fault) => void,
): Promise<void> {
  context.requests.count('smtp:email');
  const fault = context.faults.take('smtp', 'email');
  if (fault === undefined) {
    accept();
    return;
  }
  if (!(await pause(fault.latencyMs, hungUp))) return;
  switch (fault.mode) {
    case 'error': {
      const code = fault.status ?? 451;
      callback(reply(code, code < 500 ? '4.3.0 Temporary failure' : '5.3.0 Permanent failure'));
      return;
    }
    case 'reject':
      callback(reply(550, '5.1.1 Recipient address rejected: user unknown'));
      return;
    case 'timeout':
      // Past the limit, give the client the reply a server gives when it stops waiting on itself.
      if (await pause(HANG_LIMIT_MS, hungUp)) callback(reply(451, '4.4.2 Timeout'));
      return;
    case 'require_dkim':
      accept(fault);
      return;
    case 'no_receipt':
    case 'undelivered':
      accept();
      return;
  }
}

/** One AbortSignal per open SMTP connection, aborted when the client hangs up. */
export class SessionSignals {
  readonly #controllers = new Map<string, AbortController>();

  for(session: SMTPServerSession): AbortSignal {
    let controller = this.#controllers.get(session.id);
    if (controller === undefined) {
      controller = new AbortController();
      this.#controllers.set(session.id, controller);
    }
    return controller.signal;
  }

  closed(session: SMTPServerSession): void {
    this.#controllers.get(session.id)?.abort();
    this.#controllers.delete(session.id);
  }
}
