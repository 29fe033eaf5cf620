// End to end: a path probe's finding appears in the app as soon as that probe ends, while the verdict
// still says the path probes are running (the STUN probe against a STUN server that shows a rewritten
// address ends in milliseconds; the fragmentation probe against the demo registrar takes about a second).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rewritingStunServer } from '../integration/rewriting-stun.js';
import { chromiumMissing, startHarness, verdictComplete, type Harness } from './harness.js';

let app: Harness;
let stun: Awaited<ReturnType<typeof rewritingStunServer>>;

describe.skipIf(chromiumMissing !== null)('live path-probe findings in the app', () => {
  beforeAll(async () => {
    app = await startHarness();
    stun = await rewritingStunServer();
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await stun?.close();
  });

  it('the STUN finding is on screen before the last path probe ends', async () => {
    const page = await app.open();
    await page.getByTestId('demo-healthy').click();
    await page.waitForFunction(() => (document.querySelector('[data-testid="account-server"]') as HTMLInputElement | null)?.value === '127.0.0.1');
    await page.getByTestId('account-stun').fill(`127.0.0.1:${stun.port}`);
    // The verdict's state and the pending probes at the moment the finding first shows, seen as the DOM changes.
    await page.evaluate(() => {
      const w = window as unknown as { whenFound?: { state?: string; pending: number } };
      new MutationObserver(() => {
        if (w.whenFound || !document.querySelector('[data-testid="finding-stun-address-rewritten"]')) return;
        const pending = Array.from(document.querySelectorAll('[data-testid="pending-probes"] li')).filter((li) => li.textContent?.includes('pending')).length;
        w.whenFound = { state: document.querySelector<HTMLElement>('[data-testid="verdict"]')?.dataset.state, pending };
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    await page.getByTestId('run-button').click();
    await verdictComplete(page);
    expect(await page.evaluate(() => (window as unknown as { whenFound?: unknown }).whenFound)).toEqual({ state: 'partial', pending: 1 });
    await page.getByTestId('finding-stun-address-rewritten').waitFor();
    await page.close();
  });
});
