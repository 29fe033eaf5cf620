// End to end: a path probe's finding appears in the app as soon as that probe ends, while the verdict
// still says the path probes are running (the STUN probe against a STUN server that shows a rewritten
// address ends in milliseconds; the fragmentation probe against the demo registrar takes about a second).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { rewritingStunServer } from '../integration/rewriting-stun.js';
import { verdictComplete } from './harness.js';
import { describeInBrowser } from './describe-in-browser.js';

let stun: Awaited<ReturnType<typeof rewritingStunServer>>;

describeInBrowser('live path-probe findings in the app', (app) => {
  beforeAll(async () => {
    stun = await rewritingStunServer();
  });
  afterAll(async () => {
    await stun?.close();
  });

  it('the STUN finding is on screen before the last path probe ends', async () => {
    const page = await app.open();
    await page.getByTestId('demo-healthy').click();
    await page.waitForFunction(() => (document.querySelector('[data-testid="account-server"]') as HTMLInputElement | null)?.value === '127.0.0.1');
    await page.getByTestId('account-stun').fill(`127.0.0.1:${stun.port}`);
    // The verdict's state and the pending probes at the moment the finding first shows, seen as the DOM changes.
    await page.evaluate(() => {
      const w = window as unknown as { whenFound?: { state?: string; pending: number; bundle?: string | null } };
      new MutationObserver(() => {
        if (w.whenFound || !document.querySelector('[data-testid="finding-stun-address-rewritten"]')) return;
        const pending = Array.from(document.querySelectorAll('[data-testid="pending-probes"] li')).filter((li) => li.textContent?.includes('pending')).length;
        // The bundle card of a running check: saved when it ends (not "opened from a bundle").
        const bundle = document.querySelector('[data-testid="bundle-export"] p')?.textContent;
        w.whenFound = { state: document.querySelector<HTMLElement>('[data-testid="verdict"]')?.dataset.state, pending, bundle };
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    await page.getByTestId('run-button').click();
    await verdictComplete(page);
    expect(await page.evaluate(() => (window as unknown as { whenFound?: unknown }).whenFound)).toEqual({
      state: 'partial',
      pending: 1,
      bundle: 'The bundle can be saved when the check has ended.',
    });
    await page.getByTestId('finding-stun-address-rewritten').waitFor();
    await page.close();
  });
});
