// The e2e tests' describe block over one shared harness. Apart from harness.ts because it needs
// Vitest, and the UI benches (`npm run bench`, plain tsx) import the harness without Vitest.
import { afterAll, beforeAll, describe } from 'vitest';
import { chromiumMissing, startHarness, type Harness } from './harness.js';

/**
 * A describe block whose tests share one harness, started before them and closed after; skipped,
 * with the reason printed, where Debian's Chromium is missing. `app` delegates to that harness.
 */
export function describeInBrowser(title: string, body: (app: Harness) => void, options: Parameters<typeof startHarness>[0] = {}): void {
  if (chromiumMissing) console.warn(`e2e "${title}" skipped: ${chromiumMissing}`);
  let started: Harness | undefined;
  const app: Harness = {
    open: (viewport) => (started ? started.open(viewport) : Promise.reject(new Error('the e2e harness has not started'))),
    close: async () => started?.close(),
  };
  describe.skipIf(chromiumMissing !== null)(title, () => {
    beforeAll(async () => {
      started = await startHarness(options);
    }, 120_000);
    afterAll(() => started?.close());
    body(app);
  });
}
