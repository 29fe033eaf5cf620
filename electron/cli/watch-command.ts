// `sipladder watch`: the check again every interval for a while, each run stored in the history,
// one line per run and the change events between runs ("UDP from port 5060 started failing at 14:05").
import { randomUUID } from 'node:crypto';
import { outcomeWords, type RunSnapshot } from '../../shared/history/snapshot.js';
import { check } from '../engine/check.js';
import { sendRunToHep } from '../export/hep.js';
import { parseHostPort, type HostPort } from '../export/host-port.js';
import { CheckMetrics, startMetricsServer } from '../export/metrics.js';
import { defaultDeps } from '../engine/deps.js';
import { defaultHistoryFile } from '../history/paths.js';
import { HistoryStore } from '../history/store.js';
import { DEFAULT_FULL_EVERY, watch, type WatchObserver, type WatchPlan, type WatchRun } from '../watch/watch.js';
import { CHECK_USAGE, parseCheckArgs } from './args.js';
import { readCredentialFiles } from './check-command.js';
import type { CliIo } from './main.js';

export const WATCH_USAGE = `Usage: sipladder watch --server HOST --user USER [check options] [watch options]

  --every DURATION     time between the starts of two runs (default 5m, at least 5s): 30s, 5m, 1h
  --for DURATION       how long to keep checking (default 24h, at most 168h)
  --count N            stop after N runs (whichever of --for and --count comes first)
  --full-every N       path probes on the first run and every Nth after it (default ${DEFAULT_FULL_EVERY}; 0: never)
  --history FILE       the history database (default: SIPLADDER_HISTORY, else the per-user data directory)
  --no-history         do not store the runs
  --metrics HOST:PORT  serve OpenMetrics for Prometheus at http://HOST:PORT/metrics (registration per attempt kind, times, findings)
  --hep HOST:PORT      send every run's SIP messages as HEP v3 (Homer, Kamailio sipcapture)
  --json               one JSON object per run (index, time, attempts, changes, history id)
Ctrl-C ends the watch cleanly (the run in progress is cancelled, its bindings removed).

Check options: as for sipladder check (below).

${CHECK_USAGE}`;

/** The flags `watch` adds to those of `check`, and whether each takes a value. */
const WATCH_FLAGS: Record<string, boolean> = { every: true, for: true, count: true, 'full-every': true, history: true, 'no-history': false, metrics: true };

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3600_000, d: 86_400_000 };

/** "30s", "5m", "1.5h", "2d" (a bare number is seconds); null when it is none of these. */
export function parseDuration(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  return m ? Math.round(Number(m[1]) * UNIT_MS[m[2] ?? 's']!) : null;
}

/** Splits argv into watch flags and the rest (check flags, parsed by parseCheckArgs). */
function splitWatchFlags(argv: string[]): { watchFlags: Map<string, string>; rest: string[]; errors: string[] } {
  const watchFlags = new Map<string, string>();
  const rest: string[] = [];
  const errors: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]!);
    const name = m?.[1];
    if (!name || !Object.hasOwn(WATCH_FLAGS, name)) {
      rest.push(argv[i]!);
      continue;
    }
    const value = WATCH_FLAGS[name] ? (m[2] ?? argv[++i]) : 'true';
    if (value === undefined) errors.push(`--${name} needs a value`);
    else watchFlags.set(name, value);
  }
  return { watchFlags, rest, errors };
}

function planOf(flags: Map<string, string>, errors: string[]): WatchPlan {
  const duration = (name: string, fallback: string): number => {
    const ms = parseDuration(flags.get(name) ?? fallback);
    if (ms === null) errors.push(`--${name} must be a duration such as 30s, 5m or 24h, got "${flags.get(name)}"`);
    return ms ?? 0;
  };
  const whole = (name: string): number | undefined => {
    const v = flags.get(name);
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v)) errors.push(`--${name} must be a whole number, got "${v}"`);
    return Number(v);
  };
  const count = whole('count');
  return {
    everyMs: duration('every', '5m'),
    forMs: duration('for', '24h'),
    fullEvery: whole('full-every') ?? DEFAULT_FULL_EVERY,
    ...(count !== undefined ? { count } : {}),
  };
}

function attemptsLine(s: RunSnapshot): string {
  return s.attempts.map((a) => `${a.label}: ${outcomeWords(a)}${a.firstAnswerMs !== undefined ? ` ${Math.round(a.firstAnswerMs)} ms` : ''}`).join(' · ');
}

/** One line per run and one per change event (text), or one JSON object per run. */
function printer(io: CliIo, json: boolean): WatchObserver {
  return {
    onRun: (run: WatchRun) => {
      if (json) {
        const { index, full, snapshot, changes, cycleMs, stored } = run;
        io.stdout.write(
          JSON.stringify({
            index,
            startedAt: run.result.startedAt,
            full,
            incomplete: Boolean(run.result.incomplete),
            attempts: snapshot.attempts,
            changes,
            cycleMs,
            historyId: stored?.id ?? null,
            ...(run.storeError ? { storeError: run.storeError } : {}),
          }) + '\n',
        );
        return;
      }
      const time = new Date(run.result.startedAt).toTimeString().slice(0, 8);
      const tags = [run.full ? 'with path probes' : '', run.result.incomplete ? 'incomplete' : '', `${(run.cycleMs / 1000).toFixed(2)} s`]
        .filter(Boolean)
        .join(', ');
      io.stdout.write(`${time}  run ${run.index}  ${attemptsLine(run.snapshot)}  (${tags})\n`);
      for (const c of run.changes) io.stdout.write(`  change: ${c.text}\n`);
      if (run.storeError) io.stderr.write(`  history: this run was not stored: ${run.storeError}\n`);
    },
  };
}

/** Observers that send each run elsewhere (--metrics, --hep), and how to close them at the end. */
async function exportObservers(
  metricsAt: HostPort | undefined,
  hep: HostPort | undefined,
  complain: (s: string) => void,
): Promise<{ observers: WatchObserver[]; close(): Promise<void> }> {
  const observers: WatchObserver[] = [];
  const metrics = new CheckMetrics();
  const server = metricsAt ? await startMetricsServer(metricsAt, () => metrics.families()) : null;
  if (server) {
    complain(`metrics on http://${metricsAt!.host}:${server.port}/metrics`);
    observers.push({ onRun: (run) => metrics.observe(run.result) });
  }
  // One HEP send after another, each reported; the watch does not wait for them between runs.
  let hepSends = Promise.resolve();
  if (hep) observers.push({ onRun: (run) => void (hepSends = hepSends.then(() => sendRunToHep(hep, run.result)).then(complain)) });
  return {
    observers,
    close: async () => {
      await hepSends;
      await server?.close();
    },
  };
}

export async function watchCommand(argv: string[], io: CliIo, stopped: Promise<void>): Promise<number> {
  const complain = (s: string): void => void io.stderr.write(s + '\n');
  const { watchFlags, rest, errors } = splitWatchFlags(argv);
  const plan = planOf(watchFlags, errors);
  const metricsAt = watchFlags.has('metrics') ? parseHostPort(watchFlags.get('metrics')!, 0) : undefined;
  if (metricsAt === null) errors.push(`--metrics must be HOST:PORT, got "${watchFlags.get('metrics')}"`);
  const parsed = parseCheckArgs(rest);
  if (!parsed.ok) errors.push(...parsed.errors);
  if (errors.length || !parsed.ok || metricsAt === null) {
    complain(errors.map((e) => `sipladder watch: ${e}`).join('\n') + `\n\n${WATCH_USAGE}`);
    return 2;
  }
  if (parsed.value.bundle) {
    complain('sipladder watch: --bundle is for one check; export any stored run with sipladder history export ID --bundle FILE');
    return 2;
  }
  const unusable = await readCredentialFiles(parsed.value, io, 'watch');
  if (unusable) {
    complain(unusable);
    return 2;
  }
  const historyFile = watchFlags.has('no-history') ? null : (watchFlags.get('history') ?? defaultHistoryFile(io.env));
  const store = historyFile ? new HistoryStore(historyFile) : null;
  const watchId = randomUUID();
  const abort = new AbortController();
  void stopped.then(() => abort.abort(new Error('interrupted')));
  const deps = defaultDeps();
  let exports: Awaited<ReturnType<typeof exportObservers>> | undefined;
  try {
    exports = await exportObservers(metricsAt, parsed.value.hep, complain);
    const { runs, end } = await watch(
      parsed.value.options,
      plan,
      {
        clock: deps.clock,
        runCheck: (options, signal) => check(options, deps, { signal }),
        ...(store ? { store: (result) => store.add({ kind: 'watch', result, watchId }) } : {}),
      },
      [printer(io, parsed.value.json), ...exports.observers],
      abort.signal,
    );
    const why = {
      count: 'all runs done',
      duration: 'time is up',
      stopped: 'stopped',
      'auth-failed': 'the server rejected the credentials; not repeating them (that could lock the account)',
    }[end];
    complain(`Watch ended (${why}) after ${runs} run${runs === 1 ? '' : 's'}${historyFile ? `; stored in ${historyFile} (watch ${watchId})` : ''}.`);
    return end === 'auth-failed' ? 1 : 0;
  } catch (e) {
    complain(`sipladder watch: ${(e as Error).message}`);
    return 2;
  } finally {
    await exports?.close();
  }
}
