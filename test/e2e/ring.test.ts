// e2e: the ring test in the app (browser mode, headless Chromium) against the demo registrar on
// 127.0.0.1. The test plays the "other phone": once the page says "Call … now" it sends an INVITE
// to the Contact the page shows. Waits are on the page's own state (data-testid), never on time.
import { expect, it } from 'vitest';
import { placeCall } from '../lab/ring-caller.js';
import { describeInBrowser } from './describe-in-browser.js';

describeInBrowser('ring test in the app', (app) => {
  async function startRing(waitS: number) {
    const page = await app.open();
    await page.getByTestId('demo-healthy').click();
    await page.waitForFunction(() => (document.querySelector('[data-testid="account-server"]') as HTMLInputElement | null)?.value === '127.0.0.1');
    await page.getByTestId('ring-wait').fill(String(waitS));
    await page.getByTestId('ring-start').click();
    await page.getByTestId('ring-instructions').waitFor({ timeout: 15_000 });
    return page;
  }

  it('instructions with a countdown, the call arrives, the outcome with its findings and the INVITE on the ladder', async () => {
    const page = await startRing(30);
    expect(await page.getByTestId('ring-instructions').textContent()).toBe('Call alice@127.0.0.1 now from another phone.');
    expect(Number(await page.getByTestId('ring-countdown').textContent())).toBeLessThanOrEqual(30);
    await expect(page.getByTestId('ring-cancel').isVisible()).resolves.toBe(true);
    const contact = (await page.getByTestId('ring-contact').textContent())!;
    const m = /^sip:alice@([\d.]+):(\d+)/.exec(contact);
    expect(m, contact).not.toBeNull();
    const call = await placeCall({ bind: '127.0.0.1', to: { address: m![1]!, port: Number(m![2]) }, requestUri: contact });
    expect(call.statuses).toEqual([100, 180, 486]);
    await page.locator('[data-testid="ring-outcome"][data-outcome="invite-arrived"]').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('ring-verdict').textContent()).toMatch(/^Incoming calls reach this computer over UDP/);
    await page.getByTestId('ring-finding-ring-invite-arrived').waitFor();
    expect(await page.getByTestId('ring-invite').textContent()).toContain(`Request-URI ${contact}`);
    const arrows = await page.locator('[data-testid="ring-outcome"] svg').textContent();
    expect(arrows).toContain('INVITE');
    expect(arrows).toContain('486 Busy Here');
    expect(await page.getByTestId('ring-outcome').textContent()).toContain('Registration removed: yes');
    await page.close();
  });

  it('Cancel while waiting ends the test and still removes the registration', async () => {
    const page = await startRing(120);
    await page.getByTestId('ring-cancel').click();
    await page.locator('[data-testid="ring-outcome"][data-outcome="cancelled"]').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('ring-verdict').textContent()).toBe('Cancelled before a call arrived.');
    expect(await page.getByTestId('ring-outcome').textContent()).toContain('Registration removed: yes');
    await page.close();
  });
});
