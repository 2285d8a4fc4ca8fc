import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { eventually } from '@sendcode/testing';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../helpers/system.ts';

const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));

/** Debian's chromium (scripts/ensure-chromium.sh): playwright-core never downloads a browser. */
const LAUNCH = {
  executablePath: '/usr/bin/chromium',
  headless: true,
  // The machine's network is closed: no background fetches, no QUIC, no updates.
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

describe('support console in a real browser', () => {
  let system: TestSystem;
  let browser: Browser;
  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    [system, browser] = await Promise.all([
      startTestSystem({ DELIVERY_BACKOFF_MS: '100', CIRCUIT_FAILURE_THRESHOLD: '1000' }),
      chromium.launch(LAUNCH),
    ]);
    await eventually(
      () => fetch(`${system.gateway.url}/readyz`).then((r) => r.status),
      (status) => status === 200,
    );
  });
  afterAll(async () => {
    await browser?.close();
    await system?.close();
  });

  it('signs in, finds a phone number, shows the timeline and the diagnosis in English and Japanese', async () => {
    const to = '+819012371001';
    system.sandbox.addFault({ provider: 'twilio', channel: 'sms', mode: 'error', status: 503 });
    const created = await system.api('POST', '/v1/verifications', { to });
    const found = await eventually(
      () =>
        system.api(
          'GET',
          `/v1/support/verifications?to=${encodeURIComponent(to)}`,
          undefined,
          system.supportKey,
        ),
      // Wait for the receipt too, so the page shows the same, final wording.
      (r) =>
        r.body.verifications[0]?.diagnosis.code === 'provider_outage' &&
        r.body.verifications[0]?.steps[0]?.status === 'delivered',
    );
    const view = found.body.verifications[0];
    expect(view).toMatchObject({ id: created.body.id, diagnosis: { code: 'provider_outage' } });

    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
    });
    const response = await page.goto(`${system.gateway.url}/console`);
    expect(response?.headers()['content-security-policy']).toContain("default-src 'self'");

    // By keyboard: the key field has focus; type the key and press Enter.
    await expect.poll(() => page.locator('#key:focus').count()).toBe(1);
    await page.keyboard.type(system.supportKey);
    await page.keyboard.press('Enter');
    const query = page.getByLabel('Value');
    await query.waitFor({ state: 'visible' });
    expect(await page.getByLabel('Support API key').isVisible()).toBe(false);
    await query.fill(to);
    await query.press('Enter');

    const diagnosis = page.locator('.diagnosis').first();
    await diagnosis.waitFor({ state: 'visible' });
    expect(await diagnosis.textContent()).toContain(view.diagnosis.en.summary);
    expect(await diagnosis.textContent()).toContain(view.diagnosis.en.suggestion);
    expect(await page.locator('.card').first().textContent()).toContain('+81 90-****-1001');
    expect(await page.content()).not.toContain('9012371001');
    await page.screenshot({ path: `${SCREENSHOTS}1-results.png`, fullPage: true });

    await page.getByRole('button', { name: 'Show timeline' }).click();
    const timeline = page.locator('.timeline').first();
    await timeline.waitFor({ state: 'visible' });
    expect(await timeline.textContent()).toMatch(/send_failed[\s\S]*sent/);
    await page.screenshot({ path: `${SCREENSHOTS}2-timeline.png`, fullPage: true });

    await page.getByRole('button', { name: '日本語' }).click();
    await expect.poll(() => diagnosis.textContent()).toContain(view.diagnosis.ja.summary);
    expect(await diagnosis.isVisible()).toBe(true);
    expect(await page.getByLabel('値').isVisible()).toBe(true);
    expect(await timeline.isVisible()).toBe(true);
    await page.screenshot({ path: `${SCREENSHOTS}3-japanese.png`, fullPage: true });
    expect(problems).toEqual([]);
  });
});
