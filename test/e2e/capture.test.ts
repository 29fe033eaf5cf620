// A provider-side capture in the app (headless Chromium, browser mode): the dialog list filters,
// sorts, shows only failures, shows a finding's affected exchanges, puts a chosen dialog in the
// ladder, and the import can be saved as a bundle. Expected figures come from the same capture
// imported here in Node. Waits are on elements and texts, never sleeps.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { expect, it } from 'vitest';
import { dialogFacts } from '../../shared/capture/dialogs.js';
import { importCapture } from '../../shared/capture/import.js';
import { diagnose } from '../../shared/diagnosis/diagnose.js';
import { call, clientsFor, keepalive, register, Writer, type Scenario } from '../bench/capture-gen.js';
import { pcapFile } from '../fixtures/pcap-builder.js';
import { describeInBrowser } from './describe-in-browser.js';

const SCENARIOS: Scenario[] = [
  register(200),
  register(403),
  call('bye'),
  call('no-ack'),
  call(486),
  call(487),
  keepalive(true),
  keepalive(false),
  register('no-answer'),
];
const DIALOGS = 400;

function captureFile(): { file: string; bytes: Uint8Array } {
  let seed = 7;
  const random = (): number => (seed = (seed * 48271) % 2147483647) / 2147483647;
  const clients = clientsFor(60, random);
  const w = new Writer();
  for (let i = 0; i < DIALOGS; i++) SCENARIOS[i % SCENARIOS.length]!(w, clients[i % clients.length]!, i + 1, 1_700_000_000_000_000 + i * 5_000, random);
  const bytes = pcapFile('ethernet', w.frames(Number.MAX_SAFE_INTEGER));
  const file = join(mkdtempSync(join(tmpdir(), 'sl-e2e-cap-')), 'provider.pcap');
  writeFileSync(file, bytes);
  return { file, bytes };
}

/** Whether the element's top lies inside the window and inside every box that scrolls it: scrolled to, not only rendered. */
const inView = (l: Locator): Promise<boolean> =>
  l.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const inside = (b: { top: number; bottom: number; left: number; right: number }): boolean =>
      r.top >= b.top && r.top < b.bottom - 20 && r.left >= b.left && r.left < b.right - 20;
    for (let p = el.parentElement; p; p = p.parentElement)
      if (getComputedStyle(p).overflowY !== 'visible' && p !== document.body && p !== document.documentElement && !inside(p.getBoundingClientRect()))
        return false;
    return inside({ top: 0, bottom: window.innerHeight, left: 0, right: window.innerWidth });
  });

describeInBrowser('a capture in the app', (app) => {
  it('filters, sorts, shows failures and affected exchanges; a chosen dialog goes in the ladder; saves as a bundle', async () => {
    const { file, bytes } = captureFile();
    const { result } = importCapture(bytes, 'provider.pcap');
    const facts = dialogFacts(result);
    const d = diagnose(result);
    const count = (shown: number): string => `${shown.toLocaleString('en-US')} of ${facts.length.toLocaleString('en-US')} dialogs`;
    const page = await app.open();
    await page.getByTestId('open-bundle-input').setInputFiles(file);
    await page.getByTestId('dialog-list').waitFor();
    const counter = page.getByTestId('dialog-count');
    expect(await counter.textContent()).toBe(count(facts.length));
    // Virtualised: a few dozen rows in the DOM, not 400.
    expect(await page.getByTestId('dialog-row').count()).toBeLessThan(60);

    await page.getByTestId('dialog-filter').fill('status:4xx method:REGISTER');
    await expect
      .poll(() => counter.textContent())
      .toBe(count(facts.filter((f) => f.method === 'REGISTER' && f.status !== undefined && f.status >= 400 && f.status < 500).length));
    await page.getByTestId('dialog-filter').fill('');
    await page.getByTestId('failures-only').check();
    await expect.poll(() => counter.textContent()).toBe(count(facts.filter((f) => f.failed).length));
    await page.getByTestId('failures-only').uncheck();

    // Sorted by answer, descending: the first row carries the highest status.
    await page.getByTestId('sort-status').click();
    await page.getByTestId('sort-status').click();
    const highest = Math.max(...facts.map((f) => f.status ?? 0));
    await expect.poll(() => page.getByTestId('dialog-status').first().textContent()).toMatch(new RegExp(`${highest}$`));

    const noAck = d.findings.find((f) => f.id === 'capture-no-ack')!;
    await page.getByTestId('finding-capture-no-ack').locator('summary').click();
    await page.getByTestId('show-affected-capture-no-ack').click();
    await expect.poll(() => counter.textContent()).toBe(count(noAck.attempts.length));
    expect(await page.getByTestId('dialog-filter').inputValue()).toBe('finding:capture-no-ack');

    const row = page.getByTestId('dialog-row').first();
    await row.click();
    await expect.poll(() => row.getAttribute('aria-selected')).toBe('true');
    expect(await row.evaluate((r) => getComputedStyle(r).backgroundColor)).not.toBe(
      await page
        .getByTestId('dialog-row')
        .nth(1)
        .evaluate((r) => getComputedStyle(r).backgroundColor),
    );
    await page.locator('[data-testid^="ladder-arrow-"]').first().waitFor();
    expect(await page.getByTestId('ladder').textContent()).toMatch(/INVITE/);
    // The page got the trace without bytes: the dialog's messages were fetched when it was drawn.
    // A chosen dialog opens with its first message, and the ladder and that message are in view (1280×900).
    await expect.poll(() => page.getByTestId('raw-message').textContent()).toMatch(/INVITE sip:/);
    expect(await inView(page.getByTestId('ladder-viewport'))).toBe(true);
    expect(await inView(page.getByTestId('raw-message'))).toBe(true);

    // An evidence link of a dialog not in the ladder: its dialog is drawn, its message shown, both in view.
    await page.evaluate(() => window.scrollTo(0, 0));
    const noAnswer = d.findings.find(
      (f) => f.id !== 'capture-no-ack' && f.evidence.length && !noAck.attempts.includes(result.trace[f.evidence[0]! - 1]!.attempt),
    )!;
    const seq = noAnswer.evidence[0]!;
    await page.getByTestId(`finding-${noAnswer.id}`).evaluate((f) => ((f as HTMLDetailsElement).open = true));
    await page
      .getByTestId(`finding-${noAnswer.id}`)
      .getByRole('button', { name: `#${seq}`, exact: true })
      .click();
    await expect.poll(() => page.getByTestId('raw-message').getAttribute('aria-label')).toBe(`Message #${seq}`);
    await page.getByTestId(`ladder-arrow-${seq}`).waitFor();
    expect(await inView(page.getByTestId('raw-message'))).toBe(true);
    expect(await inView(page.getByTestId(`ladder-arrow-${seq}`))).toBe(true);

    // Only what applies to a capture: no phone predictions, and a timing chart of what it has.
    expect(await page.getByTestId('profiles').count()).toBe(0);
    await page.getByTestId('chart-capture-response').waitFor();
    expect(await page.getByTestId('chart-capture-response').textContent()).toMatch(/INVITE \(\d+\)/);

    await page.getByTestId('bundle-prepare').click();
    await page.getByTestId('bundle-save').waitFor();
    await page.close();
  });

  it('while a capture is read: final responses, the latest rejections and the dialogs so far, then the results in their place', async () => {
    const { file, bytes } = captureFile();
    const page = await app.open();
    // The upload (and so the import, which reads it as it arrives) held to about 5 s: the preview has time to show.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: Math.round(bytes.length / 5) });
    await page.getByTestId('open-bundle-input').setInputFiles(file);
    await page.getByTestId('preview-rejection').first().waitFor();
    // One import at a time: a second file chosen now would have its results replaced by this one's.
    expect(await page.getByTestId('open-bundle-input').isDisabled()).toBe(true);
    // The picker is emptied after each choice: the same file chosen again (after a Cancel) is read again.
    expect(await page.getByTestId('open-bundle-input').inputValue()).toBe('');
    // Rows come and go while it reads; each is one of the capture's rejections (REGISTER 403, INVITE 486/487).
    for (const row of await page.getByTestId('preview-rejection').allTextContents()) expect(row).toMatch(/REGISTER403 Forbidden|INVITE48[67] /);
    expect(await page.getByTestId('preview-counts').textContent()).toMatch(/REGISTER: [\d,]+ OK · [\d,]+ challenged · [1-9][\d,]* rejected/);
    // The dialog list grows as the import finds dialogs (virtualised: only the rows in view are in the DOM).
    await page.getByTestId('live-dialog-row').first().waitFor();
    const found = async (): Promise<number> => Number(/^[\d,]+/.exec((await page.getByTestId('live-dialog-count').textContent())!)![0].replace(/,/g, ''));
    const early = await found();
    expect(await page.getByTestId('live-dialog-row').first().textContent()).toMatch(/^\d+\.\d s(REGISTER|INVITE|OPTIONS)\d/);
    await page.waitForFunction(
      (n) => Number(/^[\d,]+/.exec(document.querySelector('[data-testid="live-dialog-count"]')?.textContent ?? '')?.[0].replace(/,/g, '')) > n,
      early,
    );
    await page.getByTestId('live-failures-only').check();
    await page.getByTestId('live-dialog-row').first().waitFor();
    for (const status of await page.locator('[data-testid="live-dialog-row"] [data-testid="live-status"]').allTextContents())
      expect(status).toMatch(/^(403|48[67]|5\d\d)$/);
    await page.getByTestId('verdict').waitFor();
    expect(await page.getByTestId('import-preview').count()).toBe(0);
    expect(await page.getByTestId('live-dialogs').count()).toBe(0);
    await page.close();
  });

  it('at 1024×700 the column titles and cells each fit their column, side by side; a file cut short shows what it holds and what it lost', async () => {
    const page = await app.open({ width: 1024, height: 700 });
    // Cut inside its last packet, as a capture copied while tcpdump still wrote it.
    const { file, bytes } = captureFile();
    writeFileSync(file, bytes.subarray(0, bytes.length - 5));
    await page.getByTestId('open-bundle-input').setInputFiles(file);
    await page.getByTestId('dialog-row').first().waitFor();
    expect(await page.getByTestId('capture-summary').textContent()).toMatch(
      /^SIP capture provider\.pcap \([\d,]+ packets, [\d,]+ SIP messages\), from .*Left out: [\d,]+ bytes at the end, in a last packet the file cuts short/,
    );
    const boxes = await page.locator('.dialog-head [role="columnheader"]').evaluateAll((heads) =>
      heads.map((h) => {
        const r = h.getBoundingClientRect();
        return { left: r.left, right: r.right, cut: h.scrollWidth > h.clientWidth, top: r.top };
      }),
    );
    expect(boxes).toHaveLength(8);
    expect(boxes.filter((b) => b.cut)).toEqual([]);
    for (let i = 1; i < boxes.length; i++) expect(boxes[i]!.left).toBeGreaterThanOrEqual(boxes[i - 1]!.right);
    // One line of titles.
    expect(new Set(boxes.map((b) => Math.round(b.top))).size).toBe(1);
    // Every row's cells start where their titles do (a long user agent must not push its row apart).
    const rowLefts = await page
      .getByTestId('dialog-row')
      .evaluateAll((rows) => rows.map((r) => Array.from(r.children, (c) => Math.round(c.getBoundingClientRect().left))));
    expect(rowLefts.length).toBeGreaterThan(5);
    for (const lefts of rowLefts) expect(lefts).toEqual(boxes.map((b) => Math.round(b.left)));
    await page.close();
  });
});
