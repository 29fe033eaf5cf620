// End to end in headless Chromium against the browser mode, driving the real engine and the demo
// registrar: account → run → verdict, findings and ladder. Waits are on elements, never sleeps.
import { expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDemo, verdictComplete } from './harness.js';
import { describeInBrowser } from './describe-in-browser.js';

/** The README's screenshots are refreshed only on request (UPDATE_SCREENSHOTS=1): a test run leaves the tree as it was. */
const DOCS = process.env.UPDATE_SCREENSHOTS ? new URL('../../docs/', import.meta.url).pathname : `${mkdtempSync(join(tmpdir(), 'sipladder-shots-'))}/`;
describeInBrowser('the app in headless Chromium', (app) => {
  it('validates the account as it is typed', async () => {
    const page = await app.open();
    await page.getByTestId('account-server').fill('bad host');
    await page.getByTestId('account-server').blur();
    await expect.poll(() => page.locator('#server-hint').textContent()).toMatch(/^⚠ Server: enter a host name or address/);
    expect(await page.getByTestId('run-button').isDisabled()).toBe(true);
    // Addresses as people paste them are accepted and split into their fields.
    await page.getByTestId('account-server').fill('sip:bob@pbx.example.com:5080');
    await page.getByTestId('account-server').blur();
    expect([
      await page.getByTestId('account-server').inputValue(),
      await page.getByTestId('account-user').inputValue(),
      await page.getByTestId('account-port').inputValue(),
    ]).toEqual(['pbx.example.com', 'bob', '5080']);
    expect(await page.getByTestId('run-button').isDisabled()).toBe(false);
    await page.close();
  });

  it('saves an account without its password in browser mode, and says why', async () => {
    const page = await app.open();
    await page.getByTestId('account-server').fill('sip.example.com');
    await page.getByTestId('account-user').fill('alice');
    await page.getByTestId('account-password').fill('not-stored-here');
    await page.getByTestId('save-account').click();
    await page.getByText('Saved without the password').waitFor();
    await page.getByRole('button', { name: 'sip.example.com', exact: true }).waitFor();
    await page.close();
  });

  it('healthy demo: verdict first and focused, no false alarms; the keyboard walks the ladder and opens raw messages', async () => {
    const page = await app.open();
    // Every state the verdict shows, as the DOM changes (no polling).
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { verdictStates: string[] }).verdictStates = seen;
      new MutationObserver(() => {
        const state = document.querySelector<HTMLElement>('[data-testid="verdict"]')?.dataset.state;
        if (state && seen.at(-1) !== state) seen.push(state);
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    await runDemo(page, 'healthy');
    // The matrix's verdict is on screen (and focused) while the path probes still run.
    expect(await page.getByTestId('verdict').textContent()).toBe('Registration works over UDP and TCP.');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('verdict');
    await verdictComplete(page);
    expect(await page.evaluate(() => (window as unknown as { verdictStates: string[] }).verdictStates)).toEqual(['partial', 'complete']);
    await page.getByTestId('no-findings').waitFor();
    expect(await page.locator('.arrow.annotated').count()).toBe(0);
    const arrows = page.locator('[data-testid^="ladder-arrow-"][role="button"]');
    expect(await arrows.count()).toBeGreaterThan(5);
    // One arrow in the Tab order; arrow keys move along the others; Enter opens the message.
    expect(await page.locator('[data-testid^="ladder-arrow-"][tabindex="0"]').count()).toBe(1);
    await arrows.first().focus();
    await page.keyboard.press('ArrowDown');
    const second = await arrows.nth(1).getAttribute('data-testid');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(second);
    await page.keyboard.press('Enter');
    expect(await page.getByTestId('raw-message').locator('h3').textContent()).toMatch(new RegExp(`^#${second!.replace('ladder-arrow-', '')} received`));
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    expect(await page.getByTestId('raw-message').textContent()).toContain('REGISTER sip:127.0.0.1 SIP/2.0');
    // The raw pane shows exactly the bytes on the wire: a highlighted rport is not doubled.
    const via = (await page.getByTestId('raw-message').locator('pre > div').allTextContents()).find((l) => l.startsWith('Via:'))!;
    expect(via).toMatch(/^Via: SIP\/2\.0\/UDP 127\.0\.0\.1:\d+;branch=z9hG4bK[\w-]+;rport$/);
    // Right: the message at the same height in the attempt beside it; Left: back.
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-column'));
    await page.keyboard.press('ArrowRight');
    expect(await focused()).toBe('1');
    await page.keyboard.press('ArrowLeft');
    expect(await focused()).toBe('0');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const answerVia = (await page.getByTestId('raw-message').locator('pre > div').allTextContents()).find((l) => l.startsWith('Via:'))!;
    expect(answerVia).toMatch(/;rport=\d+/);
    expect(answerVia).not.toMatch(/=(\d+)=\1/);
    await page.getByTestId('chart-size-rtt').waitFor();
    await page.screenshot({ path: `${DOCS}screenshot-healthy.png`, fullPage: true });
    await page.close();
  }, 90_000);

  it('seed 000 demo: the ISP drops port 5060 — named, explained, and visible on the ladder', async () => {
    const page = await app.open();
    await page.getByTestId('account-client').selectOption('jitsi');
    await page.getByTestId('demo-blocked').click();
    expect(await page.getByTestId('demo-note').textContent()).toMatch(/fixed local port \d+ stands in for 5060/);
    await runDemo(page, 'blocked');
    await verdictComplete(page);
    // The problem first, then what works; directly under it, what to do in the client the user named.
    expect(await page.getByTestId('verdict').textContent()).toMatch(
      /^UDP from port \d+ fails: your internet provider or router blocks incoming SIP on port 5060\. Registration works over UDP \(from an ephemeral port, from an ephemeral port, no rport\) and TCP\.$/,
    );
    expect(await page.getByTestId('verdict').evaluate((h) => h.nextElementSibling?.getAttribute('data-testid'))).toBe('advice');
    expect(await page.getByTestId('advice').textContent()).toMatch(
      /^Jitsi \(desktop\): set Advanced → SIP → "SIP client port" to another port \(e\.g\. 5062\)/,
    );
    expect(await page.getByTestId('demo-results-note').textContent()).toMatch(/^Demo: local port \d+ stands in for 5060/);
    // The first problem is open by default.
    const finding = page.getByTestId('finding-inbound-udp-5060-dropped');
    expect(await page.locator('details.finding.error').first().getAttribute('data-testid')).toBe('finding-inbound-udp-5060-dropped');
    expect(await finding.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
    expect(await finding.textContent()).toMatch(/5062/);
    expect(await page.locator('.arrow.lost').count()).toBeGreaterThan(0);
    expect(await page.locator('.arrow.lost .time').first().textContent()).toMatch(/^never arrived/);
    // ⚑ only where a finding cites: the silent attempt, and of the healthy one only its first answer.
    expect(await page.locator('.arrow.annotated').count()).toBeGreaterThan(1);
    const healthyColumnFlags = await page
      .locator('.arrow.annotated')
      .evaluateAll((gs) => gs.filter((g) => Number(g.querySelector('line')!.getAttribute('x1')) > 500).length);
    expect(healthyColumnFlags).toBe(1);
    expect(await page.getByTestId('report-text').inputValue()).toMatch(/blocks incoming SIP on port 5060/);
    expect(await page.getByTestId('profiles').textContent()).toMatch(/✖ fails — Jitsi \(desktop\).*"SIP client port" to another port/);
    await page.screenshot({ path: `${DOCS}screenshot-seed-000.png`, fullPage: true });

    // Export a pseudonymised bundle, see the preview, save it, and open it as support staff would.
    await page.getByTestId('pseudonymise-users').check();
    await page.getByTestId('bundle-prepare').click();
    expect(await page.getByTestId('bundle-preview').textContent()).toMatch(/useruser1alice/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('bundle-save').click()]);
    const file = join(mkdtempSync(join(tmpdir(), 'sl-dl-')), download.suggestedFilename());
    await download.saveAs(file);
    expect(file).toMatch(/\.sipladder$/);
    const support = await app.open();
    await support.getByTestId('open-bundle-input').setInputFiles(file);
    await support.getByTestId('verdict').waitFor();
    expect(await support.getByTestId('verdict').textContent()).toMatch(/blocks incoming SIP on port 5060/);
    expect(await support.getByTestId('bundle-export').textContent()).toMatch(/opened from a bundle .*\(pseudonymised\)/);
    expect(await support.getByTestId('attempts').textContent()).not.toContain('alice');
    await support.close();
    await page.close();
  }, 90_000);

  it('demo settings end with the demo: a real account afterwards tests local port 5060 again', async () => {
    const page = await app.open();
    await runDemo(page, 'blocked');
    const demoPort = await page.getByTestId('attempts').locator('tbody tr').first().locator('td').nth(1).textContent();
    expect(demoPort).toMatch(/^UDP from port \d+$/);
    expect(demoPort).not.toBe('UDP from port 5060');
    await page.getByTestId('check-again').click();
    // The form is the user's again: the fixed port is visible and back at 5060, TLS is on again.
    expect(await page.getByTestId('account-fixedPort').inputValue()).toBe('5060');
    expect(await page.getByTestId('transport-tls').isChecked()).toBe(true);
    expect(await page.getByTestId('demo-note').count()).toBe(0);
    await page.getByTestId('account-server').fill('127.0.0.1:9');
    await page.getByTestId('account-user').fill('carol');
    await page.getByTestId('transport-tcp').uncheck();
    await page.getByTestId('transport-tls').uncheck();
    await page.getByTestId('run-button').click();
    await page.getByTestId('verdict').waitFor();
    expect(await page.getByTestId('attempts').locator('tbody tr').first().locator('td').nth(1).textContent()).toBe('UDP from port 5060');
    await page.close();
  }, 90_000);

  it('a cancelled run is marked incomplete: no "works, no problems", no loss drawn, no prediction from it; Run again', async () => {
    const page = await app.open();
    await page.getByTestId('demo-blocked').click();
    await page.waitForFunction(() => (document.querySelector('[data-testid="account-server"]') as HTMLInputElement | null)?.value === '127.0.0.1');
    await page.getByTestId('run-button').click();
    // Cancel while the port-5060 stand-in is still waiting for its answer.
    await page.getByText(/^Started: UDP from port \d+$/).waitFor();
    await page.getByTestId('cancel-button').click();
    await page.locator('[data-testid="verdict"][data-state="incomplete"]').waitFor();
    expect(await page.getByTestId('verdict').textContent()).toMatch(/^Check cancelled, results incomplete: /);
    expect(await page.getByTestId('incomplete').textContent()).toMatch(/cancelled by the user after [\d.]+ s; not finished: UDP from port \d+/);
    expect(await page.getByTestId('no-findings').count()).toBe(0);
    expect(await page.locator('[data-testid^="finding-inbound-udp-5060"]').count()).toBe(0);
    expect(await page.locator('.arrow.lost').count()).toBe(0);
    expect(await page.getByTestId('attempts').locator('tbody tr').first().textContent()).toMatch(/⏹ cancelled/);
    expect(await page.getByTestId('report-text').inputValue()).toMatch(/^Incomplete: cancelled by the user/m);
    expect(await page.getByTestId('profiles').textContent()).toMatch(
      /\? unknown — Jitsi \(desktop\): the check was cancelled before UDP from port 5060 finished/,
    );
    await page.getByTestId('run-again').click();
    await page.locator('[data-testid="verdict"][data-state="complete"]').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('verdict').textContent()).toMatch(/^UDP from port \d+ fails: /);
    await page.close();
  }, 90_000);

  it('at 1024×700 nothing is cut off: the verdict, the advice and the ladder fit the width', async () => {
    const page = await app.open({ width: 1024, height: 700 });
    await runDemo(page, 'blocked');
    await verdictComplete(page);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBe(0);
    const ladder = await page.getByTestId('ladder').boundingBox();
    expect(ladder!.x + ladder!.width).toBeLessThanOrEqual(1024);
    await page.screenshot({ path: `${DOCS}screenshot-1024x700.png` });
    await page.close();
  }, 90_000);

  it('imports a capture (ngrep text) and shows the exchanges and the server-side finding', async () => {
    const page = await app.open();
    const m = (lines: string[]) => lines.map((l) => `${l}.`).join('\n') + '\n.';
    const text = [
      'U 2013/07/19 22:17:34.920749 203.0.113.50:5060 -> 66.151.32.200:5060',
      m(['REGISTER sip:ostel.co SIP/2.0', 'Via: SIP/2.0/UDP 0.0.0.0:5060;branch=z9hG4bKj', 'Call-ID: j', 'CSeq: 1 REGISTER', 'Content-Length: 0']),
      '#',
      'U 2013/07/19 22:17:34.921155 66.151.32.200:5060 -> 203.0.113.50:5060',
      m([
        'SIP/2.0 401 Unauthorized',
        'Via: SIP/2.0/UDP 0.0.0.0:5060;branch=z9hG4bKj;rport=5060',
        'Call-ID: j',
        'CSeq: 1 REGISTER',
        'WWW-Authenticate: Digest realm="o", nonce="n"',
        'Content-Length: 0',
      ]),
      '#',
      'U 2013/07/19 22:33:18.372770 203.0.113.50:42680 -> 66.151.32.200:5060',
      m(['REGISTER sip:ostel.co SIP/2.0', 'Via: SIP/2.0/UDP 0.0.0.0:49153;branch=z9hG4bKl;rport', 'Call-ID: l', 'CSeq: 3 REGISTER', 'Content-Length: 0']),
      '#',
      'U 2013/07/19 22:33:18.373112 66.151.32.200:5060 -> 203.0.113.50:42680',
      m(['SIP/2.0 200 OK', 'Via: SIP/2.0/UDP 0.0.0.0:49153;branch=z9hG4bKl;rport=42680', 'Call-ID: l', 'CSeq: 3 REGISTER', 'Content-Length: 0']),
    ].join('\n');
    const file = join(mkdtempSync(join(tmpdir(), 'sl-ngrep-')), 'ostel.txt');
    writeFileSync(file, text);
    await page.getByTestId('open-bundle-input').setInputFiles(file);
    await page.getByTestId('verdict').waitFor();
    await page.getByTestId('finding-capture-inbound-5060-filtered').waitFor();
    expect(await page.getByTestId('dialog-list').textContent()).toMatch(/REGISTER\s*203\.0\.113\.50:5060/);
    await page.close();
  });

  it('says clearly when a file is not a bundle', async () => {
    const page = await app.open();
    const file = join(mkdtempSync(join(tmpdir(), 'sl-bad-')), 'holiday.sipladder');
    writeFileSync(file, 'not a bundle');
    await page.getByTestId('open-bundle-input').setInputFiles(file);
    expect(await page.getByTestId('open-bundle-error').textContent()).toMatch(/not a SIP Ladder bundle/);
    await page.close();
  });
});
