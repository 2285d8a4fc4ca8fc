import { errorFromResponse, parseJson, SendcodeError } from './errors.ts';
import type {
  CancelResult,
  CheckByDestinationRequest,
  CheckResult,
  CreateVerificationRequest,
  ResendRequest,
  Verification,
} from './types.ts';

/** Options of `createSendcodeClient`. */
export interface SendcodeClientOptions {
  /** Where the gateway is, e.g. `https://sendcode.example.com` (no `/v1`). */
  readonly baseUrl: string;
  /** An API key with scope `verify`. */
  readonly apiKey: string;
  /** A fetch implementation; default the global one. */
  readonly fetch?: typeof fetch;
}

/** Per-call options of `verifications.create`. */
export interface CreateOptions {
  /** Sent as `Idempotency-Key`: a retried create with the same key and body never sends twice. */
  readonly idempotencyKey?: string;
}

/** The native API's verification routes, one method each. Every method throws `SendcodeError`. */
export interface SendcodeClient {
  readonly verifications: {
    /** `POST /v1/verifications`: sends a code (or resends the pending one for this destination). */
    create(request: CreateVerificationRequest, options?: CreateOptions): Promise<Verification>;
    /** `GET /v1/verifications/{id}`: state and masked timeline. */
    get(id: string): Promise<Verification>;
    /**
     * `POST /v1/verifications/{id}/checks`. A refused check of an approved verification throws
     * `verification_not_pending` (see `CheckResult`).
     */
    check(id: string, code: string): Promise<CheckResult>;
    /**
     * `POST /v1/verifications/check`: checks the caller's pending verification for that destination, or
     * re-checks its newest approved one; anything else, and a refused re-check, throws `not_found`.
     */
    checkByDestination(request: CheckByDestinationRequest): Promise<CheckResult>;
    /** `POST /v1/verifications/{id}/resend`: the same code again, on `channel` of the plan if given. */
    resend(id: string, options?: ResendRequest): Promise<Verification>;
    /** `POST /v1/verifications/{id}/cancel`. */
    cancel(id: string): Promise<CancelResult>;
  };
}

/** Builds a client for the native API. */
export function createSendcodeClient(options: SendcodeClientOptions): SendcodeClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? globalThis.fetch;

  async function call<T>(method: string, path: string, body?: unknown, headers?: Record<string, string>) {
    let response: Response;
    try {
      response = await doFetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${options.apiKey}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw new SendcodeError(
        { status: 0, code: 'network_error', message: `No answer from ${base}` },
        { cause: error },
      );
    }
    const text = await response.text();
    if (!response.ok) throw errorFromResponse(response, text);
    return parseJson(text) as T;
  }

  const id = (value: string) => encodeURIComponent(value);
  return {
    verifications: {
      create: (request, createOptions) =>
        call<Verification>(
          'POST',
          '/v1/verifications',
          request,
          createOptions?.idempotencyKey === undefined
            ? undefined
            : { 'idempotency-key': createOptions.idempotencyKey },
        ),
      get: (verificationId) => call<Verification>('GET', `/v1/verifications/${id(verificationId)}`),
      check: (verificationId, code) =>
        call<CheckResult>('POST', `/v1/verifications/${id(verificationId)}/checks`, { code }),
      checkByDestination: (request) => call<CheckResult>('POST', '/v1/verifications/check', request),
      resend: (verificationId, resendOptions) =>
        call<Verification>('POST', `/v1/verifications/${id(verificationId)}/resend`, resendOptions ?? {}),
      cancel: (verificationId) =>
        call<CancelResult>('POST', `/v1/verifications/${id(verificationId)}/cancel`),
    },
  };
}
