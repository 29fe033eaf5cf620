// Import of realistic captures (test/bench/capture-gen.ts) of 50k/100k/200k packets, measured as a
// user runs both tools: `sipladder import FILE` (the CLI as installed: its bundle, start-up and
// report included) side by side with `tshark -r FILE -Y sip` on the same file, wall-clock time and
// peak memory (/usr/bin/time) of each.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCapture } from './capture-gen.js';

const CLI = fileURLToPath(new URL('../../electron/cli/bin.mjs', import.meta.url));

export interface ImportFigures {
  packets: number;
  file: string;
  bytes: number;
  ours: { messages: number; exchanges: number; maxRssMb?: number; wallMs: number } | string;
  tshark: { ms: number; maxRssMb?: number; messages: number } | string;
}

const RUNS = 3;
const HAS_TIME = spawnSync('sh', ['-c', 'command -v /usr/bin/time']).status === 0;

/** Runs a command under /usr/bin/time (when there is one): its output, wall-clock ms and peak memory. */
function timed(command: string, args: string[]): { stdout: string; ms: number; maxRssMb?: number } | string {
  const t0 = performance.now();
  const run = spawnSync(HAS_TIME ? '/usr/bin/time' : command, [...(HAS_TIME ? ['-f', '%M', command] : []), ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    env: { ...process.env, HOME: tmpdir() },
  });
  const ms = performance.now() - t0;
  if (run.error || run.status !== 0) return `${command} failed (${run.error?.message ?? run.stderr.slice(0, 200)})`;
  return { stdout: run.stdout, ms, maxRssMb: HAS_TIME ? Number(run.stderr.trim().split('\n').pop()) / 1024 : undefined };
}

export function benchCaptureImports(sizes = [50_000, 100_000, 200_000]): ImportFigures[] {
  execFileSync(process.execPath, [CLI, '--version']); // builds the CLI's bundle now, not inside a timed run
  return sizes.map((packets) => benchCaptureImport(packets));
}

function benchCaptureImport(packets: number): ImportFigures {
  const file = join(mkdtempSync(join(tmpdir(), 'sl-capbench-')), 'bench.pcap');
  const bytes = generateCapture(packets);
  writeFileSync(file, bytes);
  const runOurs = (): ImportFigures['ours'] => {
    const run = timed(process.execPath, [CLI, 'import', file]);
    if (typeof run === 'string') return run;
    // First line: "FILE: N packets, M SIP messages in K exchanges".
    const counts = /([\d,]+) SIP messages in ([\d,]+) exchanges/.exec(run.stdout);
    const number = (s?: string): number => Number(s?.replace(/,/g, '') ?? NaN);
    return { messages: number(counts?.[1]), exchanges: number(counts?.[2]), maxRssMb: run.maxRssMb, wallMs: run.ms };
  };
  const runTshark = (): ImportFigures['tshark'] => {
    const run = timed('tshark', ['-r', file, '-Y', 'sip']);
    if (typeof run === 'string') return `tshark not available (${run})`;
    return { ms: run.ms, maxRssMb: run.maxRssMb, messages: run.stdout.trim().split('\n').filter(Boolean).length };
  };
  // Alternate the two, three runs each, and keep each one's median run: the machine's noise hits both.
  const oursRuns: Array<ImportFigures['ours']> = [];
  const tsharkRuns: Array<ReturnType<typeof runTshark>> = [];
  for (let i = 0; i < RUNS; i++) {
    oursRuns.push(runOurs());
    tsharkRuns.push(runTshark());
  }
  return { packets, file, bytes: bytes.length, ours: medianRun(oursRuns, (r) => r.wallMs), tshark: medianRun(tsharkRuns, (r) => r.ms) };
}

/** The median of the runs that worked, or the first failure when none did. */
function medianRun<T extends object>(runs: Array<T | string>, by: (r: T) => number): T | string {
  const ok = runs.filter((r): r is T => typeof r !== 'string').sort((x, y) => by(x) - by(y));
  return ok.length ? ok[Math.floor(ok.length / 2)]! : (runs[0] as string);
}
