/**
 * Routes notifme-sdk's Twilio calls to the sandbox, inside the benchmark process only.
 *
 * notifme-sdk's Twilio provider calls its own `lib/util/request.js` (a thin node-fetch wrapper) with
 * the fixed URL `https://api.twilio.com/2010-04-01/Accounts/{sid}/Messages.json` and a multipart
 * (`form-data`) body. The provider reads that module's `default` export at call time, so replacing
 * it reroutes every call: the host becomes the sandbox's plain-HTTP address, and the body is re-sent
 * as `application/x-www-form-urlencoded`, the encoding Twilio's own SDKs use and the sandbox parses.
 * Everything else (node-fetch, headers, Basic auth, the JSON answer) is notifme-sdk's own path.
 */
import { createRequire } from 'node:module';

type Fetch = (url: string, options: { headers?: Record<string, string>; body?: unknown }) => Promise<unknown>;
interface MultipartBody {
  getBuffer(): Buffer;
  getBoundary(): string;
}

const require = createRequire(import.meta.url);

/** Installs the reroute; returns a function that removes it. */
export function routeTwilioToSandbox(sandboxUrl: string): () => void {
  const module = require('notifme-sdk/lib/util/request.js') as { default: Fetch };
  const original = module.default;
  module.default = (url, options) => {
    if (!url.startsWith('https://api.twilio.com/')) return original(url, options);
    const body = options.body as MultipartBody;
    return original(url.replace('https://api.twilio.com', sandboxUrl), {
      ...options,
      headers: { ...options.headers, 'content-type': 'application/x-www-form-urlencoded' },
      body: multipartToForm(body.getBuffer().toString('utf8'), body.getBoundary()).toString(),
    });
  };
  return () => {
    module.default = original;
  };
}

/** Text fields of a multipart/form-data body (what `form-data` builds from string values). */
function multipartToForm(raw: string, boundary: string): URLSearchParams {
  const form = new URLSearchParams();
  for (const part of raw.split(`--${boundary}`)) {
    const name = /name="([^"]+)"/.exec(part)?.[1];
    const start = part.indexOf('\r\n\r\n');
    if (name === undefined || start < 0) continue;
    form.append(name, part.slice(start + 4).replace(/\r\n$/, ''));
  }
  return form;
}
