import { readFileSync } from 'node:fs';
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';
import { EnvHttpProxyAgent, request } from 'undici';

/**
 * The twilio client's `httpClient`, on undici's keep-alive connection pool instead of axios and
 * Node's `http`: a quarter of the workers' CPU went to those two. Only the transport changes. The SDK
 * still builds every request (URL, form fields, User-Agent), and still reads every answer: a
 * non-2xx body becomes its RestException (or TwilioServiceException), which `errors.ts` maps.
 *
 * What the SDK's own RequestClient does that this keeps: Basic auth (or the credential provider's
 * header), form bodies with repeated keys for lists, `HTTP_PROXY` (undici also reads `HTTPS_PROXY`
 * and `NO_PROXY`), `TWILIO_CA_BUNDLE`, and the timeout (below). It does not follow
 * redirects (the SDK asks for none on the calls we make) and has no 429 auto-retry, which we turn
 * off anyway: the worker decides what to retry.
 */
export class UndiciRequestClient extends twilio.RequestClient {
  readonly #dispatcher: EnvHttpProxyAgent;
  #closed: Promise<void> | undefined;

  /**
   * `timeoutMs` bounds each wait, as the SDK's socket timeout did: for a connection, for the answer's
   * headers once the request is sent, and for each chunk of its body. undici's own timers do it; an
   * AbortSignal per request for one overall deadline cost half as much CPU again as the rest of the
   * transport (an EventTarget, its listener and a timer per call).
   */
  constructor(timeoutMs: number) {
    super({ timeout: timeoutMs, autoRetry: false });
    const ca = process.env.TWILIO_CA_BUNDLE;
    this.#dispatcher = new EnvHttpProxyAgent({
      connect: { timeout: timeoutMs, ...(ca === undefined ? {} : { ca: readFileSync(ca) }) },
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
  }

  override async request<TData>(opts: RequestClient.RequestOptions<TData>) {
    const url = new URL(opts.uri);
    if (opts.params !== undefined) url.search = formEncode(opts.params);
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.username && opts.password) {
      headers.Authorization = `Basic ${Buffer.from(`${opts.username}:${opts.password}`).toString('base64')}`;
    } else if (opts.authStrategy !== undefined) {
      headers.Authorization = await opts.authStrategy.getAuthString();
    }
    const response = await request(url, {
      method: opts.method.toUpperCase() as Uppercase<typeof opts.method>,
      headers,
      body: requestBody(headers, opts.data),
      dispatcher: this.#dispatcher,
      ...(opts.timeout === undefined ? {} : { headersTimeout: opts.timeout, bodyTimeout: opts.timeout }),
    });
    // The SDK parses a string body itself (JSON for records, its exceptions for errors).
    const body = (await response.body.text()) as TData;
    return { statusCode: response.statusCode, body, headers: response.headers };
  }

  /** Closes the pooled connections (idle ones at once, busy ones once their request ends); again is a no-op. */
  close(): Promise<void> {
    this.#closed ??= this.#dispatcher.close();
    return this.#closed;
  }
}

/** The body as the SDK's client sends it: form fields for form posts, JSON for JSON, else none. */
function requestBody(headers: Record<string, string>, data: unknown): string | null {
  if (data === undefined || data === null) return null;
  const type = headers['Content-Type'];
  if (type === 'application/x-www-form-urlencoded') return formEncode(data);
  if (type === 'application/json') return JSON.stringify(data);
  return null;
}

/** `a=1&b=2&b=3`: a list repeats its key (qs's `arrayFormat: 'repeat'`, what Twilio reads). */
function formEncode(fields: object): string {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== undefined) form.append(key, item === null ? '' : String(item));
    }
  }
  return form.toString();
}
