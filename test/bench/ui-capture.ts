// Time to the first useful screen for a capture imported in the app (headless Chromium, browser
// mode; the realistic generator): choose the file → the first look (what the import found so far:
// final responses by method and the latest rejections, while it still reads) and the full results
// (verdict and the first rows of the dialog list), and the longest the page was frozen on the way
// (Long Tasks API).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumMissing, startHarness } from '../e2e/harness.js';
import { generateCapture } from './capture-gen.js';

export interface UiCaptureFigures {
  packets: number;
  /** The preview of what was found so far, or the results if they came first. */
  firstLookMs: number;
  firstPaintMs: number;
  longestFreezeMs: number;
  arrowsInDom: number;
  rowsInDom: number;
}

export async function benchUiCapture(sizes = [20_000, 100_000]): Promise<UiCaptureFigures[] | string> {
  if (chromiumMissing) return chromiumMissing;
  // The app as a user starts it (`sipladder start --browser`: the CLI's bundle in its own process).
  const app = await startHarness({ server: 'cli' });
  try {
    const out: UiCaptureFigures[] = [];
    for (const packets of sizes) {
      const file = join(mkdtempSync(join(tmpdir(), 'sl-uicap-')), 'big.pcap');
      writeFileSync(file, generateCapture(packets));
      const page = await app.open();
      await page.evaluate(() => {
        const w = window as unknown as { longest: number; firstLook?: number; t0: number };
        w.longest = 0;
        new PerformanceObserver((list) => list.getEntries().forEach((e) => (w.longest = Math.max(w.longest, e.duration)))).observe({ type: 'longtask' });
        const look = new MutationObserver(() => {
          if (!document.querySelector('[data-testid="preview-counts"], [data-testid="verdict"]')) return;
          w.firstLook = performance.now() - w.t0;
          look.disconnect();
        });
        look.observe(document.body, { childList: true, subtree: true });
        w.t0 = performance.now();
      });
      const t0 = performance.now();
      await page.getByTestId('open-bundle-input').setInputFiles(file);
      await page.getByTestId('verdict').waitFor({ timeout: 120_000 });
      await page.getByTestId('dialog-row').first().waitFor({ timeout: 120_000 });
      const firstPaintMs = performance.now() - t0;
      await page.locator('[data-testid^="ladder-arrow-"]').first().waitFor({ timeout: 120_000 });
      const longestFreezeMs = await page.evaluate(() => (window as unknown as { longest: number }).longest);
      const firstLookMs = await page.evaluate(() => (window as unknown as { firstLook: number }).firstLook);
      out.push({
        packets,
        firstLookMs,
        firstPaintMs,
        longestFreezeMs,
        arrowsInDom: await page.locator('[data-testid^="ladder-arrow-"]').count(),
        rowsInDom: await page.getByTestId('dialog-row').count(),
      });
      await page.close();
    }
    return out;
  } finally {
    await app.close();
  }
}
