// Time from clicking Run to the verdict on screen, in headless Chromium against the demo registrar.
import { chromiumMissing, runDemo, startHarness } from '../e2e/harness.js';

export async function benchUi(runs = 3): Promise<Record<'healthy' | 'blocked', number> | string> {
  if (chromiumMissing) return chromiumMissing;
  const app = await startHarness();
  try {
    const out = { healthy: 0, blocked: 0 };
    for (const scenario of ['healthy', 'blocked'] as const) {
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const page = await app.open();
        times.push(await runDemo(page, scenario));
        await page.close();
      }
      out[scenario] = times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
    }
    return out;
  } finally {
    await app.close();
  }
}
