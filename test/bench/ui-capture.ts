// Time to first paint of the results for a 100,000-message capture imported in the app (headless
// Chromium, browser mode): choose the file → verdict and the first ladder rows on screen.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumMissing, startHarness } from '../e2e/harness.js';
import { generateCapture } from './capture-gen.js';

export async function benchUiCapture(messages = 100_000): Promise<{ firstPaintMs: number; arrowsInDom: number; rowsInDom: number } | string> {
  if (chromiumMissing) return chromiumMissing;
  const file = join(mkdtempSync(join(tmpdir(), 'sl-uicap-')), 'big.pcap');
  writeFileSync(file, generateCapture(messages));
  const app = await startHarness();
  try {
    const page = await app.open();
    const t0 = performance.now();
    await page.getByTestId('open-bundle-input').setInputFiles(file);
    await page.locator('[data-testid^="ladder-arrow-"]').first().waitFor({ timeout: 120_000 });
    const firstPaintMs = performance.now() - t0;
    const arrowsInDom = await page.locator('[data-testid^="ladder-arrow-"]').count();
    const rowsInDom = await page.locator('[data-testid="attempts"] tbody tr').count();
    await page.close();
    return { firstPaintMs, arrowsInDom, rowsInDom };
  } finally {
    await app.close();
  }
}
