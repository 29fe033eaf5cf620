// Import of a 100,000-message capture: our reader (in a child process, to measure its own peak
// memory) side by side with `tshark -r FILE -Y sip` on the same file.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { generateCapture } from './capture-gen.js';

export interface ImportFigures { file: string; bytes: number; ours: { messages: number; exchanges: number; totalMs: number; extractMs: number; maxRssMb: number }; tshark: { ms: number; maxRssMb?: number; messages: number } | string }

export function benchCaptureImport(messages = 100_000): ImportFigures {
  const file = join(mkdtempSync(join(tmpdir(), 'sl-capbench-')), 'bench.pcap');
  const bytes = generateCapture(messages);
  writeFileSync(file, bytes);
  // Bundled like the shipped app (the Electron main is an esbuild bundle too), run in its own process.
  const child = join(mkdtempSync(join(tmpdir(), 'sl-capbench-')), 'child.mjs');
  buildSync({ entryPoints: [fileURLToPath(new URL('./capture-import-child.ts', import.meta.url))], bundle: true, platform: 'node', format: 'esm', outfile: child, logLevel: 'warning' });
  const ours = JSON.parse(execFileSync(process.execPath, [child, file], { encoding: 'utf8', maxBuffer: 1 << 20 }));
  let tshark: ImportFigures["tshark"];
  const hasTime = spawnSync('sh', ['-c', 'command -v /usr/bin/time']).status === 0;
  const t0 = performance.now();
  const run = spawnSync(hasTime ? '/usr/bin/time' : 'tshark', [...(hasTime ? ['-f', '%M', 'tshark'] : []), '-r', file, '-Y', 'sip'], { encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, HOME: tmpdir() } });
  const ms = performance.now() - t0;
  if (run.error || run.status !== 0) tshark = `tshark not available (${run.error?.message ?? run.stderr.slice(0, 200)})`;
  else {
    const rss = hasTime ? Number(run.stderr.trim().split('\n').pop()) / 1024 : undefined;
    tshark = { ms, maxRssMb: rss, messages: run.stdout.trim().split('\n').filter(Boolean).length };
  }
  return { file, bytes: bytes.length, ours, tshark };
}
