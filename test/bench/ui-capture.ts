// Time to the first useful screen for a capture imported in the app (headless Chromium, browser
// mode; the realistic generator): choose the file → verdict and the first rows of the dialog list.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumMissing, startHarness } from '../e2e/harness.js';
import { generateCapture } from './capture-gen.js';

export async function benchUiCapture(packets = 100_000): Promise<{ firstPaintMs: number; arrowsInDom: number; rowsInDom: number } | string> {
  if (chromiumMissing) return chromiumMissing;
  const file = join(mkdtempSync(join(tmpdir(), 'sl-uicap-')), 'big.pcap');
  writeFileSync(file, generateCapture(packets));
  const app = await startHarness();
  try {
    const page = await app.open();
    const t0 = performance.now();
    await page.getByTestId('open-bundle-input').setInputFiles(file);
    await page.getByTestId('verdict').waitFor({ timeout: 120_000 });
    await page.getByTestId('dialog-row').first().waitFor({ timeout: 120_000 });
    const firstPaintMs = performance.now() - t0;
    const arrowsInDom = await page.locator('[data-testid^="ladder-arrow-"]').count();
    const rowsInDom = await page.getByTestId('dialog-row').count();
    await page.close();
    return { firstPaintMs, arrowsInDom, rowsInDom };
  } finally {
    await app.close();
  }
}
