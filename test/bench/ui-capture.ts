// Time to the first useful screen for a capture imported in the app (headless Chromium, browser
// mode; the realistic generator): choose the file → the first look (what the import found so far:
// final responses by method and the latest rejections, while it still reads), the first rows of the
// dialog list (the live list while it reads, or the results'), the full results (verdict and the
// results' dialog list), and the longest the page was frozen on the way (Long Tasks API).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumMissing, startHarness } from '../e2e/harness.js';
import { generateCapture } from './capture-gen.js';

export interface UiCaptureFigures {
  packets: number;
  /** The preview of what was found so far, or the results if they came first. */
  firstLookMs: number;
  /** The first row of a dialog list: the live one while the import reads, or the results'. */
  firstListMs: number;
  firstPaintMs: number;
  longestFreezeMs: number;
  arrowsInDom: number;
  rowsInDom: number;
}

export async function benchUiCapture(sizes = [20_000, 100_000, 200_000]): Promise<UiCaptureFigures[] | string> {
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
        const w = window as unknown as { longest: number; firstLook?: number; firstList?: number; t0: number };
        w.longest = 0;
        new PerformanceObserver((list) => list.getEntries().forEach((e) => (w.longest = Math.max(w.longest, e.duration)))).observe({ type: 'longtask' });
        const look = new MutationObserver(() => {
          const now = performance.now() - w.t0;
          if (w.firstLook === undefined && document.querySelector('[data-testid="preview-counts"], [data-testid="verdict"]')) w.firstLook = now;
          if (w.firstList === undefined && document.querySelector('[data-testid="live-dialog-row"], [data-testid="dialog-row"]')) w.firstList = now;
          if (w.firstLook !== undefined && w.firstList !== undefined) look.disconnect();
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
      const { firstLook, firstList } = await page.evaluate(() => {
        const w = window as unknown as { firstLook: number; firstList: number };
        return { firstLook: w.firstLook, firstList: w.firstList };
      });
      out.push({
        packets,
        firstLookMs: firstLook,
        firstListMs: firstList,
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
