// End to end in headless Chromium (browser mode, real engine, demo registrar): the run history,
// comparing two runs from it, and "Keep checking" with its timeline. Waits are on elements.
import { expect, it } from 'vitest';
import { runDemo, verdictComplete } from './harness.js';
import { describeInBrowser } from './describe-in-browser.js';

describeInBrowser('history, compare and keep checking', (app) => {
  it('compare: a healthy demo run, then one with port 5060 blocked, ticked in the history: attempts side by side, the finding that appeared, two ladders', async () => {
    const page = await app.open();
    await runDemo(page, 'healthy');
    await verdictComplete(page);
    await page.getByTestId('check-again').click();
    await runDemo(page, 'blocked');
    await verdictComplete(page);
    await page.getByTestId('nav-history').click();
    const rows = page.getByTestId('history-row');
    await rows.nth(1).waitFor();
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).textContent()).toMatch(/fails: your internet provider or router blocks incoming SIP/);
    await rows.nth(0).getByTestId('history-tick').check();
    await rows.nth(1).getByTestId('history-tick').check();
    await page.getByTestId('history-compare').click();
    const view = page.getByTestId('compare-view');
    await view.waitFor();
    const changed = view.locator('[data-testid="compare-attempts"] tr[data-changed="true"]');
    expect(await changed.count()).toBe(1);
    expect(await changed.textContent()).toMatch(/^UDP from port \d+registeredno answer ◀ changed$/);
    expect(await view.getByTestId('compare-appeared').textContent()).toMatch(/port 5060/i);
    expect(await view.getByTestId('compare-gone').count()).toBe(0);
    expect(await view.getByTestId('compare-ladder').count()).toBe(2);
    expect(await view.locator('[data-testid="compare-ladder"] [data-testid="ladder"]').count()).toBe(2);
    // Any stored run opens as results.
    await page.getByRole('button', { name: 'Back to the history' }).click();
    await rows.nth(1).getByTestId('history-open').click();
    expect(await page.getByTestId('verdict').textContent()).toMatch(/^Registration works/);
    await page.close();
  }, 120_000);

  it('keep checking the demo every 5 s: each run on the timeline as it comes, stopped by the user', async () => {
    const page = await app.open();
    await page.getByTestId('demo-healthy').click();
    await page.waitForFunction(() => (document.querySelector('[data-testid="account-server"]') as HTMLInputElement | null)?.value === '127.0.0.1');
    await page.getByTestId('watch-every').selectOption({ label: '5 s' });
    await page.getByTestId('watch-start').click();
    await page.getByTestId('watch-panel').waitFor();
    // The second run comes 5 s after the first: the timeline grows with it.
    await page.locator('[data-testid="timeline-outcomes"][data-runs="2"]').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('watch-run').count()).toBe(2);
    expect(await page.getByTestId('watch-no-changes').isVisible()).toBe(true);
    expect(await page.locator('[data-testid="timeline-latency"] .recharts-line').count()).toBeGreaterThanOrEqual(3);
    expect(await page.locator('[data-testid="timeline-outcomes"] .recharts-scatter-symbol').count()).toBeGreaterThanOrEqual(6);
    await page.getByTestId('watch-stop').click();
    await page.locator('[data-testid="watch-status"][data-state="ended"]').waitFor();
    expect(await page.getByTestId('watch-status').textContent()).toMatch(/Ended: stopped/);
    await page.close();
  }, 120_000);
});
