// Import of realistic captures (test/bench/capture-gen.ts) of 50k/100k/200k packets: our reader
// (in a child process, to measure its own peak memory) side by side with `tshark -r FILE -Y sip`
// on the same file.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { generateCapture } from './capture-gen.js';

export interface ImportFigures {
  packets: number;
  file: string;
  bytes: number;
  ours: { messages: number; exchanges: number; totalMs: number; extractMs: number; maxRssMb: number; wallMs: number };
  tshark: { ms: number; maxRssMb?: number; messages: number } | string;
}

const RUNS = 3;

export function benchCaptureImports(sizes = [50_000, 100_000, 200_000]): ImportFigures[] {
  // Bundled like the shipped app (the Electron main is an esbuild bundle too), run in its own process.
  const child = join(mkdtempSync(join(tmpdir(), 'sl-capbench-')), 'child.mjs');
  buildSync({
    entryPoints: [fileURLToPath(new URL('./capture-import-child.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: child,
    logLevel: 'warning',
  });
  return sizes.map((packets) => benchCaptureImport(packets, child));
}

function benchCaptureImport(packets: number, child: string): ImportFigures {
  const file = join(mkdtempSync(join(tmpdir(), 'sl-capbench-')), 'bench.pcap');
  const bytes = generateCapture(packets);
  writeFileSync(file, bytes);
  // Wall-clock of the whole process, start-up included, exactly as measured for tshark.
  const runOurs = (): ImportFigures['ours'] => {
    const t0 = performance.now();
    const out = JSON.parse(execFileSync(process.execPath, [child, file], { encoding: 'utf8', maxBuffer: 1 << 20 })) as Omit<ImportFigures['ours'], 'wallMs'>;
    return { ...out, wallMs: performance.now() - t0 };
  };
  const hasTime = spawnSync('sh', ['-c', 'command -v /usr/bin/time']).status === 0;
  const runTshark = (): Exclude<ImportFigures['tshark'], string> | string => {
    const t0 = performance.now();
    const run = spawnSync(hasTime ? '/usr/bin/time' : 'tshark', [...(hasTime ? ['-f', '%M', 'tshark'] : []), '-r', file, '-Y', 'sip'], {
      encoding: 'utf8',
      maxBuffer: 1 << 30,
      env: { ...process.env, HOME: tmpdir() },
    });
    const ms = performance.now() - t0;
    if (run.error || run.status !== 0) return `tshark not available (${run.error?.message ?? run.stderr.slice(0, 200)})`;
    return {
      ms,
      maxRssMb: hasTime ? Number(run.stderr.trim().split('\n').pop()) / 1024 : undefined,
      messages: run.stdout.trim().split('\n').filter(Boolean).length,
    };
  };
  // Alternate the two, three runs each, and keep each one's median run: the machine's noise hits both.
  const oursRuns: Array<ImportFigures['ours']> = [];
  const tsharkRuns: Array<ReturnType<typeof runTshark>> = [];
  for (let i = 0; i < RUNS; i++) {
    oursRuns.push(runOurs());
    tsharkRuns.push(runTshark());
  }
  const median = <T>(xs: T[], by: (x: T) => number): T => [...xs].sort((x, y) => by(x) - by(y))[Math.floor(xs.length / 2)]!;
  const ours = median(oursRuns, (r) => r.wallMs);
  const tsharkOk = tsharkRuns.filter((r): r is Exclude<typeof r, string> => typeof r !== 'string');
  const tshark: ImportFigures['tshark'] = tsharkOk.length ? median(tsharkOk, (r) => r.ms) : (tsharkRuns[0] as string);
  return { packets, file, bytes: bytes.length, ours, tshark };
}
