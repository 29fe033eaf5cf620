// Lab: `sipladder watch` over a few accelerated cycles against Kamailio behind the NAT router; the
// ISP fault of field story 000 (inbound UDP to port 5060 dropped) is switched on mid-run, and the
// watch must say so as a change event — and store every run in the history.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { HistoryStore } from '../../electron/history/store.js';
import type { ChangeEvent } from '../../shared/history/changes.js';
import { applyFault, LAB_PASSWORD, LAB_USER, labUnavailableReason, NS, SERVER_IP } from './lab.js';
import { useLab } from './use-lab.js';

const unavailable = labUnavailableReason();
const CLI = fileURLToPath(new URL('../../electron/cli/bin.mjs', import.meta.url));
const CA = fileURLToPath(new URL('../../electron/demo/certs/ca.pem', import.meta.url));

interface WatchLine {
  index: number;
  attempts: Array<{ label: string; registered: boolean; outcome: string }>;
  changes: ChangeEvent[];
  cycleMs: number;
  historyId: number;
}

/**
 * `sipladder watch --json` in the client namespace; `onRun` sees each run's line as it comes and may
 * return 'interrupt' to press Ctrl-C. Resolves when the watch exits.
 */
function watchFromClient(
  extra: string[],
  history: string,
  onRun: (line: WatchLine) => void | 'interrupt',
): Promise<{ code: number | null; lines: WatchLine[]; stderr: string }> {
  const args = [
    'netns',
    'exec',
    NS.client,
    process.execPath,
    CLI,
    'watch',
    '--server',
    SERVER_IP,
    '--user',
    LAB_USER,
    '--password-env',
    'LAB_PW',
    '--transports',
    'udp,tcp',
    '--ca-file',
    CA,
    '--json',
    '--history',
    history,
    ...extra,
  ];
  return new Promise((resolve) => {
    const child = spawn('ip', args, { env: { ...process.env, LAB_PW: LAB_PASSWORD }, stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    const lines: WatchLine[] = [];
    let pending = '';
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    child.stdout!.on('data', (d) => {
      pending += d;
      for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
        const line = JSON.parse(pending.slice(0, nl)) as WatchLine;
        pending = pending.slice(nl + 1);
        lines.push(line);
        if (onRun(line) === 'interrupt') child.kill('SIGINT');
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, lines, stderr });
    });
  });
}

describe.skipIf(unavailable !== null)('lab: watch mode', () => {
  useLab({ kamailio: true });
  const dir = mkdtempSync(join(tmpdir(), 'sllab-watch-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('notices the port-5060 fault switched on after run 2, names what kept working, stores every run', async () => {
    const history = join(dir, 'history.sqlite');
    const r = await watchFromClient(['--every', '5s', '--count', '4', '--full-every', '0'], history, (line) => {
      if (line.index === 2) applyFault('drop-inbound-udp-5060');
    });
    expect(r.code).toBe(0);
    expect(r.lines.map((l) => l.index)).toEqual([1, 2, 3, 4]);
    const port5060 = (l: WatchLine) => l.attempts.find((a) => a.label === 'UDP from port 5060')!;
    expect(r.lines.map((l) => port5060(l).registered)).toEqual([true, true, false, false]);
    expect(r.lines.map((l) => l.changes.map((c) => c.change))).toEqual([[], [], ['started-failing'], []]);
    expect(r.lines[2]!.changes[0]!.text).toMatch(
      /^UDP from port 5060 started failing at \d\d:\d\d \(no answer\); UDP from an ephemeral port, UDP from an ephemeral port, no rport and TCP kept working$/,
    );
    expect(r.stderr).toMatch(/Watch ended \(all runs done\) after 4 runs/);
    const stored = await new HistoryStore(history).list();
    expect(stored.map((e) => e.id)).toEqual([4, 3, 2, 1]);
    expect(stored[0]!.verdict).toMatch(/^UDP from port 5060 fails: your internet provider or router blocks incoming SIP on port 5060/);
    // Figures for the report: time per cycle and history bytes per run.
    console.log(
      `watch cycle (matrix, lab): ${r.lines.map((l) => l.cycleMs).join(', ')} ms; stored results per run: ${stored.map((e) => e.storedBytes).join(', ')} bytes; database file ${statSync(history).size} bytes for ${stored.length} runs`,
    );
  }, 120_000);

  it('Ctrl-C ends the watch cleanly after the run in progress', async () => {
    const history = join(dir, 'interrupted.sqlite');
    const r = await watchFromClient(['--every', '1h', '--for', '24h'], history, () => 'interrupt');
    expect(r.code).toBe(0);
    expect(r.lines).toHaveLength(1);
    expect(r.stderr).toMatch(/Watch ended \(stopped\) after 1 run/);
    expect((await new HistoryStore(history).list()).map((e) => e.id)).toEqual([1]);
  }, 60_000);
});
