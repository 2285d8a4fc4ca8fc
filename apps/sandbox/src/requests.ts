/** Every provider API the sandbox serves, as `provider:channel`. */
export type SandboxEndpoint = 'smtp:email' | 'twilio:sms' | 'twilio:voice' | 'vonage:sms' | 'vonage:voice';

/** How many calls each provider API has received, faulted, refused or accepted. */
export type SandboxRequestCounts = Readonly<Record<SandboxEndpoint, number>>;

/**
 * Counts every API call the fake providers receive — including the ones a fault answered — so a
 * test can assert that a provider was not called at all. For SMTP a call is one RCPT TO.
 */
export class RequestCounter {
  #counts = emptyCounts();

  count(endpoint: SandboxEndpoint): void {
    this.#counts[endpoint] += 1;
  }

  snapshot(): SandboxRequestCounts {
    return { ...this.#counts };
  }

  reset(): void {
    this.#counts = emptyCounts();
  }
}

function emptyCounts(): Record<SandboxEndpoint, number> {
  return { 'smtp:email': 0, 'twilio:sms': 0, 'twilio:voice': 0, 'vonage:sms': 0, 'vonage:voice': 0 };
}
