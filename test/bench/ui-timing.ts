// Time from clicking Run to the verdict on screen — the matrix's (first) and the complete one (path
// probes done) — in headless Chromium against the demo registrar.
import { chromiumMissing, runDemo, startHarness, verdictComplete } from '../e2e/harness.js';

export type UiTimes = Record<'healthy' | 'blocked', { firstMs: number; completeMs: number }>;

export async function benchUi(runs = 3): Promise<UiTimes | string> {
  if (chromiumMissing) return chromiumMissing;
  const app = await startHarness();
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  try {
    const out = {} as UiTimes;
    for (const scenario of ['healthy', 'blocked'] as const) {
      const first: number[] = [];
      const complete: number[] = [];
      for (let i = 0; i < runs; i++) {
        const page = await app.open();
        const { firstMs, clickedAt } = await runDemo(page, scenario);
        await verdictComplete(page);
        first.push(firstMs);
        complete.push(performance.now() - clickedAt);
        await page.close();
      }
      out[scenario] = { firstMs: median(first), completeMs: median(complete) };
    }
    return out;
  } finally {
    await app.close();
  }
}
