// End to end in headless Chromium against the browser mode, driving the real engine and the demo
// registrar: account → run → verdict, findings and ladder. Waits are on elements, never sleeps.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumMissing, runDemo, startHarness, type Harness } from './harness.js';

if (chromiumMissing) console.warn(`e2e tests skipped: ${chromiumMissing}`);
const DOCS = new URL('../../docs/', import.meta.url).pathname;
let app: Harness;

describe.skipIf(chromiumMissing !== null)('the app in headless Chromium', () => {
  beforeAll(async () => {
    app = await startHarness();
  }, 120_000);
  afterAll(() => app?.close());

  it('validates the account as it is typed', async () => {
    const page = await app.open();
    await page.getByTestId('account-server').fill('bad host');
    await page.getByTestId('account-server').blur();
    await expect.poll(() => page.locator('#server-hint').textContent()).toMatch(/not a valid host name/);
    expect(await page.getByTestId('run-button').isDisabled()).toBe(true);
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

  it('healthy demo: verdict, no false alarms, a ladder whose arrows open the raw message', async () => {
    const page = await app.open();
    await runDemo(page, 'healthy');
    expect(await page.getByTestId('verdict').textContent()).toBe('Registration works over UDP and TCP.');
    await page.getByTestId('no-findings').waitFor();
    const arrows = page.locator('[data-testid^="ladder-arrow-"]');
    expect(await arrows.count()).toBeGreaterThan(5);
    await arrows.first().focus();
    await page.keyboard.press('Enter');
    expect(await page.getByTestId('raw-message').textContent()).toContain('REGISTER sip:127.0.0.1 SIP/2.0');
    await page.getByTestId('chart-size-rtt').waitFor();
    await page.screenshot({ path: `${DOCS}screenshot-healthy.png`, fullPage: true });
    await page.close();
  }, 90_000);

  it('seed 000 demo: the ISP drops port 5060 — named, explained, and visible on the ladder', async () => {
    const page = await app.open();
    await runDemo(page, 'blocked');
    expect(await page.getByTestId('verdict').textContent()).toMatch(/^Registration works over UDP \(from an ephemeral port, from an ephemeral port, no rport\) and TCP; your internet provider or router blocks incoming SIP on port 5060\.$/);
    const finding = page.getByTestId('finding-inbound-udp-5060-dropped');
    await finding.locator('summary').click();
    expect(await finding.textContent()).toMatch(/5062/);
    expect(await page.locator('.arrow.lost').count()).toBeGreaterThan(0);
    expect(await page.locator('.arrow.annotated').count()).toBeGreaterThan(0);
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

  it('imports a capture (ngrep text) and shows the exchanges and the server-side finding', async () => {
    const page = await app.open();
    const m = (lines: string[]) => lines.map((l) => `${l}.`).join('\n') + '\n.';
    const text = [
      'U 2013/07/19 22:17:34.920749 203.0.113.50:5060 -> 66.151.32.200:5060', m(['REGISTER sip:ostel.co SIP/2.0', 'Via: SIP/2.0/UDP 0.0.0.0:5060;branch=z9hG4bKj', 'Call-ID: j', 'CSeq: 1 REGISTER', 'Content-Length: 0']), '#',
      'U 2013/07/19 22:17:34.921155 66.151.32.200:5060 -> 203.0.113.50:5060', m(['SIP/2.0 401 Unauthorized', 'Via: SIP/2.0/UDP 0.0.0.0:5060;branch=z9hG4bKj;rport=5060', 'Call-ID: j', 'CSeq: 1 REGISTER', 'WWW-Authenticate: Digest realm="o", nonce="n"', 'Content-Length: 0']), '#',
      'U 2013/07/19 22:33:18.372770 203.0.113.50:42680 -> 66.151.32.200:5060', m(['REGISTER sip:ostel.co SIP/2.0', 'Via: SIP/2.0/UDP 0.0.0.0:49153;branch=z9hG4bKl;rport', 'Call-ID: l', 'CSeq: 3 REGISTER', 'Content-Length: 0']), '#',
      'U 2013/07/19 22:33:18.373112 66.151.32.200:5060 -> 203.0.113.50:42680', m(['SIP/2.0 200 OK', 'Via: SIP/2.0/UDP 0.0.0.0:49153;branch=z9hG4bKl;rport=42680', 'Call-ID: l', 'CSeq: 3 REGISTER', 'Content-Length: 0']),
    ].join('\n');
    const file = join(mkdtempSync(join(tmpdir(), 'sl-ngrep-')), 'ostel.txt');
    writeFileSync(file, text);
    await page.getByTestId('open-bundle-input').setInputFiles(file);
    await page.getByTestId('verdict').waitFor();
    await page.getByTestId('finding-capture-inbound-5060-filtered').waitFor();
    expect(await page.getByTestId('attempts').textContent()).toMatch(/REGISTER from 203\.0\.113\.50:5060/);
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
