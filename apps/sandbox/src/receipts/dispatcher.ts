import { setMaxListeners } from 'node:events';
import { Agent, request } from 'undici';
import type { MessageLog, SandboxDeliveryStatus } from '../messages.ts';
import { pause } from '../pause.ts';

/** One receipt as it goes on the wire. */
export interface ReceiptRequest {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * One receipt of a sequence. `build` runs just before it is sent, so timestamps and signatures are
 * fresh; `settles` is the message status the provider reports with it, on the final receipt.
 */
export interface ReceiptStep {
  readonly build: () => ReceiptRequest;
  readonly settles?: Exclude<SandboxDeliveryStatus, 'accepted'>;
}

/** How long the sandbox waits for a callback URL to connect, and then for each part of its answer. */
const RECEIPT_TIMEOUT_MS = 5_000;

/**
 * Posts receipts the way providers do: in order, each `delayMs` after the previous one, once, no
 * retries. Whatever the callback URL answers (or a failure to connect) does not stop the sequence;
 * its HTTP status is recorded on the message for tests. Closing aborts everything pending.
 */
export class ReceiptDispatcher {
  readonly #log: MessageLog;
  readonly #delayMs: number;
  readonly #closing = new AbortController();
  readonly #running = new Set<Promise<void>>();
  /**
   * Keep-alive connections to the callback URLs, as a provider keeps them. undici's own timers bound
   * each wait; `fetch` with an AbortSignal per receipt cost the benchmark's process about 0.4 CPU ms
   * a receipt, on the machine it shares with the system it measures.
   */
  readonly #agent = new Agent({
    connect: { timeout: RECEIPT_TIMEOUT_MS },
    headersTimeout: RECEIPT_TIMEOUT_MS,
    bodyTimeout: RECEIPT_TIMEOUT_MS,
  });

  constructor(log: MessageLog, options: { delayMs: number }) {
    this.#log = log;
    this.#delayMs = options.delayMs;
    // Every sequence waiting out its delay listens for the close: hundreds at a time under load,
    // each removed when its wait ends, so Node's leak warning at 11 would only be noise.
    setMaxListeners(0, this.#closing.signal);
  }

  /** Starts sending in the background. */
  dispatch(providerMessageId: string, url: string, steps: readonly ReceiptStep[]): void {
    const run = this.#send(providerMessageId, url, steps).finally(() => this.#running.delete(run));
    this.#running.add(run);
  }

  /** Resolves once every sequence dispatched so far has been sent (or given up). */
  async settled(): Promise<void> {
    while (this.#running.size > 0) await Promise.all(this.#running);
  }

  /** Abandons pending receipts. */
  async close(): Promise<void> {
    this.#closing.abort();
    await this.#agent.destroy();
    await this.settled();
  }

  async #send(providerMessageId: string, url: string, steps: readonly ReceiptStep[]): Promise<void> {
    for (const step of steps) {
      if (!(await pause(this.#delayMs, this.#closing.signal))) return;
      const status = await post(this.#agent, url, step.build());
      this.#log.update(providerMessageId, {
        ...(status === undefined ? {} : { lastCallbackStatus: status }),
        ...(step.settles === undefined ? {} : { status: step.settles }),
      });
    }
  }
}

/** POSTs one receipt; the HTTP status, or undefined when there was no answer. */
async function post(agent: Agent, url: string, receipt: ReceiptRequest): Promise<number | undefined> {
  try {
    const response = await request(url, {
      method: 'POST',
      headers: receipt.headers,
      body: receipt.body,
      dispatcher: agent,
    });
    await response.body.dump();
    return response.statusCode;
  } catch {
    // A provider does not care why a callback URL failed, and neither does the sandbox.
    return undefined;
  }
}
