// The "Audit my server" tab in the browser mode against the misbehaving fixture server: nothing is
// sent before the confirmation dialog, then findings with severity and per-server fixes, evidence
// on the ladder, and the report saved as a bundle that opens again.
import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openBundle } from '../../electron/bundle/bundle.js';
import { FIXTURE_USER, startAuditFixture, type AuditFixture } from '../integration/audit-fixture.js';
import { describeInBrowser } from './describe-in-browser.js';

describeInBrowser('audit tab', (app) => {
  let fx: AuditFixture;
  beforeAll(async () => {
    fx = await startAuditFixture('open');
  });
  afterAll(() => fx?.close());

  it('confirms first, then shows findings with fixes, evidence on the ladder, and exports a bundle', async () => {
    const page = await app.open();
    await page.getByTestId('tab-audit').click();
    await page.getByTestId('audit-server').fill('127.0.0.1');
    await page.getByTestId('audit-port').fill(String(fx.udpPort));
    await page.getByTestId('audit-tlsPort').fill('0');
    await page.getByTestId('audit-user').fill(FIXTURE_USER);
    const before = fx.received.length;
    await page.getByTestId('audit-button').click();
    await page.getByTestId('audit-confirm-dialog').waitFor();
    expect(await page.getByTestId('audit-confirm').isDisabled()).toBe(true);
    expect(fx.received.length).toBe(before);
    await page.getByTestId('audit-confirm-check').check();
    await page.getByTestId('audit-confirm').click();

    const relay = page.getByTestId('finding-open-relay');
    await relay.waitFor({ timeout: 60_000 });
    expect(fx.received.length).toBeGreaterThan(before);
    expect(await page.getByTestId('verdict').textContent()).toMatch(/^Audit of 127\.0\.0\.1: \d+ serious problems? and \d+ warnings?\./);
    expect(await relay.textContent()).toMatch(/problem.*Calls to outside numbers go through without a password.*Kamailio: /s);
    expect(await page.getByTestId('finding-version-leak').textContent()).toContain('Asterisk PBX 18.9.0');
    expect(await page.getByTestId('audit-skipped').textContent()).toMatch(/nonce replay|no password/);
    expect(await page.getByTestId('audit-server').inputValue()).toBe('127.0.0.1'); // kept for the next audit

    // Evidence: a link in the finding (opened: only the first problem starts open) shows that message raw, and its arrow is on the ladder.
    await relay.locator('summary').click();
    const evidence = relay.getByRole('button', { name: /^#\d+$/ }).first();
    const seq = Number((await evidence.textContent())!.slice(1));
    await evidence.click();
    expect(await page.getByTestId('raw-message').textContent()).toMatch(/INVITE sip:\+1202555/);
    await page.getByTestId(`ladder-arrow-${seq}`).waitFor();

    await page.getByTestId('bundle-prepare').click();
    await page.getByTestId('bundle-preview').waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('bundle-save').click()]);
    const file = join(mkdtempSync(join(tmpdir(), 'sl-audit-')), download.suggestedFilename());
    await download.saveAs(file);
    const opened = openBundle(new Uint8Array(await readFile(file)));
    expect(opened.result.origin).toBe('audit');
    expect(opened.diagnosis.findings.map((f) => f.id)).toContain('open-relay');
  }, 120_000);
});
