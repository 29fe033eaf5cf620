// Bad results never blank the UI: a bundle with a wrong leaf is refused before it reaches the
// renderer, and results that break a view anyway end in the error boundary, whose way back to the
// first screen forgets them. Waits are on elements, never sleeps.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { exportBundle } from '../../electron/bundle/bundle.js';
import { readZip, writeZip } from '../../electron/bundle/zip.js';
import { BUNDLE_FILES } from '../../shared/bundle/schema.js';
import { diagnose } from '../../shared/diagnosis/diagnose.js';
import { toBase64, utf8 } from '../../shared/hash/utf8.js';
import type { OpenedBundleView } from '../../shared/ipc/contract.js';
import type { CheckResult } from '../../shared/model/results.js';
import { describeInBrowser } from './describe-in-browser.js';
import { attemptResult, checkResult } from '../builders.js';

const REGISTER =
  'REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.7:5060;branch=z9hG4bK1\r\nFrom: <sip:alice@example.com>;tag=1\r\nTo: <sip:alice@example.com>\r\nCall-ID: c1\r\nCSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n';
const result: CheckResult = checkResult({
  durationMs: 3500,
  attempts: [
    attemptResult({
      id: 1,
      label: 'UDP from an ephemeral port',
      localPort: 5062,
      outcome: 'no-response',
      detail: 'no response',
      durationMs: 3500,
      traceSeqs: [1],
    }),
  ],
  trace: [
    {
      seq: 1,
      t: 0,
      attempt: 1,
      kind: 'sent',
      transport: 'udp',
      local: { address: '192.0.2.7', port: 5062 },
      remote: { address: '192.0.2.10', port: 5060 },
      bytes: toBase64(utf8(REGISTER)),
      size: REGISTER.length,
    },
  ],
});

/** The same results with the first attempt's target nulled: the right top level, a wrong leaf. */
function spoiled(): CheckResult {
  const bad = JSON.parse(JSON.stringify(result)) as CheckResult;
  (bad.attempts[0] as unknown as { target: null }).target = null;
  return bad;
}

function file(name: string, bytes: Uint8Array): string {
  const path = join(mkdtempSync(join(tmpdir(), 'sl-boundary-')), name);
  writeFileSync(path, bytes);
  return path;
}

/** What the backend would send if results that break a view got past it. */
function breakingView(): OpenedBundleView {
  return { createdAt: '2026-01-01T00:00:00.000Z', appVersion: 'e2e', pseudonymised: false, result: spoiled(), diagnosis: diagnose(result) };
}

describeInBrowser('bad results in the app', (app) => {
  it('refuses a bundle with a wrong leaf before it reaches the view, naming the leaf', async () => {
    const entries = readZip(exportBundle(result).bytes);
    const results = entries.find((e) => e.name === BUNDLE_FILES.results)!;
    results.data = utf8(JSON.stringify({ result: spoiled(), diagnosis: diagnose(result) }));
    const page = await app.open();
    await page.getByTestId('open-bundle-input').setInputFiles(file('spoiled.sipladder', writeZip(entries)));
    expect(await page.getByTestId('open-bundle-error').textContent()).toMatch(/results\.json is not valid: result\.attempts\[0\]\.target: /);
    expect(await page.getByTestId('account-server').isVisible()).toBe(true);
    await page.close();
  });

  it('results that break a view show the error boundary, and going back forgets them', async () => {
    const page = await app.open();
    // Stands in for any route by which unchecked results could reach the renderer (a bug, an old backend).
    await page.route('**/api/openBundle', (route) => route.fulfill({ json: breakingView() }));
    await page.getByTestId('open-bundle-input').setInputFiles(file('any.sipladder', exportBundle(result).bytes));
    await page.getByTestId('error-boundary').waitFor();
    expect(await page.getByTestId('error-boundary').textContent()).toMatch(/These results cannot be shown/);
    expect(await page.getByTestId('error-boundary-message').textContent()).toMatch(/address/);
    await page.getByTestId('error-boundary-back').click();
    await page.getByTestId('account-server').waitFor();
    expect(await page.getByTestId('error-boundary').count()).toBe(0);
    // The app works again: the same, good bundle opens (served by the real backend now).
    await page.unroute('**/api/openBundle');
    await page.getByTestId('open-bundle-input').setInputFiles(file('good.sipladder', exportBundle(result).bytes));
    await page.getByTestId('verdict').waitFor();
    await page.close();
  });

  it('a bundle the server replays on every reload is not shown again once the user went back from it', async () => {
    const page = await app.open();
    // The browser-mode server sends the presented bundle to every new event stream (backend.ts).
    const replay = `event: runEvent\ndata: ${JSON.stringify({ runId: '', type: 'bundle-opened', bundle: breakingView() })}\n\n`;
    await page.route('**/api/events', (route) => route.fulfill({ status: 200, contentType: 'text/event-stream', body: replay }));
    await page.reload();
    await page.getByTestId('error-boundary').waitFor();
    await page.getByTestId('error-boundary-back').click();
    await page.getByTestId('account-server').waitFor();
    await page.reload();
    expect(await page.getByTestId('run-error').textContent()).toMatch(/was not opened again/);
    expect(await page.getByTestId('error-boundary').count()).toBe(0);
    await page.close();
  });
});
