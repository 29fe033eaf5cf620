// History figures: bytes per stored run (real checks against the demo registrar: the matrix alone,
// and with the path probes) and the time to store one, in a database of 100 runs.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistrar } from '../../electron/demo/registrar.js';
import { HistoryStore } from '../../electron/history/store.js';
import { checkFixture } from '../integration/helpers.js';

const RUNS = 100;

export interface HistoryFigures {
  kind: string;
  resultJsonBytes: number;
  storedBytes: number;
  fileBytesPerRun: number;
  addMs: number;
}

export async function benchHistory(): Promise<HistoryFigures[]> {
  const fx = await startRegistrar();
  const dir = mkdtempSync(join(tmpdir(), 'sl-bench-history-'));
  try {
    const figures: HistoryFigures[] = [];
    for (const [kind, skipPathProbes] of [
      ['matrix (UDP ×3, TCP, TLS, WS, WSS)', true],
      ['with path probes', false],
    ] as const) {
      const result = await checkFixture(fx, { skipPathProbes });
      const file = join(dir, `${figures.length}.sqlite`);
      const store = new HistoryStore(file);
      const t0 = performance.now();
      let stored = 0;
      for (let i = 0; i < RUNS; i++)
        stored = (await store.add({ kind: 'watch', result: { ...result, startedAt: new Date(Date.now() + i).toISOString() } })).storedBytes;
      figures.push({
        kind,
        resultJsonBytes: JSON.stringify(result).length,
        storedBytes: stored,
        fileBytesPerRun: statSync(file).size / RUNS,
        addMs: (performance.now() - t0) / RUNS,
      });
    }
    return figures;
  } finally {
    await fx.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
