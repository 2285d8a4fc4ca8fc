import type { FaultBook } from './faults/book.ts';
import type { MessageLog } from './messages.ts';
import type { ReceiptDispatcher } from './receipts/dispatcher.ts';
import type { RequestCounter } from './requests.ts';

/** The sandbox's state, shared by its HTTP APIs and its SMTP sink. */
export interface SandboxContext {
  readonly log: MessageLog;
  readonly faults: FaultBook;
  readonly requests: RequestCounter;
  readonly receipts: ReceiptDispatcher;
  /** The Vonage account's signature secret: signs SMS DLRs (`sig`) and voice event JWTs. */
  readonly vonageSignatureSecret: string;
}
