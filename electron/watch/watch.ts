// Watch mode: the same check again and again (bounded in count and time), light by default (the
// registration matrix; the path probes every Nth run), each run stored in the history, and change
// events computed from consecutive runs. Intermittent problems ("it drops every few hours") show
// up as a change between two runs that a one-shot check never sees.
import { changeEvents, type ChangeEvent } from '../../shared/history/changes.js';
import { DEFAULT_FULL_EVERY, MAX_WATCH_MS, MAX_WATCH_RUNS, MIN_EVERY_MS } from '../../shared/history/schemas.js';
import { snapshotOf, type RunSnapshot } from '../../shared/history/snapshot.js';
import type { HistoryEntrySummary } from '../../shared/history/types.js';
import type { CheckOptions } from '../../shared/model/check-options.js';
import type { CheckResult } from '../../shared/model/results.js';
import { sleep, type Clock } from '../engine/deps.js';

// Bounds (shared with the app's argument schemas): runs ≥ MIN_EVERY_MS apart (a registrar sees at
// most ~12 REGISTERs per run), at most MAX_WATCH_MS long and MAX_WATCH_RUNS runs; path probes on the
// first run and every DEFAULT_FULL_EVERY-th by default.
export { DEFAULT_FULL_EVERY, MAX_WATCH_MS, MAX_WATCH_RUNS, MIN_EVERY_MS };

export interface WatchPlan {
  everyMs: number;
  /** Total duration; the watch starts no run after it. */
  forMs: number;
  /** At most this many runs (besides forMs). */
  count?: number;
  /** Path probes on run 1, 1 + N, 1 + 2N, …; 0: never. */
  fullEvery: number;
}

/** One finished run, as observers (the CLI, the app, a metrics exporter) receive it. */
export interface WatchRun {
  /** 1-based. */
  index: number;
  result: CheckResult;
  /** Did this run include the path probes? */
  full: boolean;
  snapshot: RunSnapshot;
  /** What changed since the previous run (empty for the first run and when nothing changed). */
  changes: ChangeEvent[];
  /** The history row, when the run was stored. */
  stored?: HistoryEntrySummary;
  /** Why the run could not be stored (a full disk, a locked file): the watch goes on without it. */
  storeError?: string;
  /** Wall time of the cycle: the check plus storing it. */
  cycleMs: number;
}

export interface WatchObserver {
  onRun(run: WatchRun): void;
}

export type WatchEnd = 'count' | 'duration' | 'stopped' | 'auth-failed';

export interface WatchDeps {
  clock: Clock;
  runCheck(options: CheckOptions, signal: AbortSignal): Promise<CheckResult>;
  store?(result: CheckResult): Promise<HistoryEntrySummary>;
  /** Time of day in change events (default: this computer's local time). */
  timeOf?: (iso: string) => string;
}

/** HH:MM in this computer's time zone: the user's clock, which the engine shares. */
export const localTimeOfDay = (iso: string): string => new Date(iso).toTimeString().slice(0, 5);

/** Stores a run; a failure is reported with the run, never ends the watch (the checks matter more). */
async function storeRun(deps: WatchDeps, result: CheckResult): Promise<Pick<WatchRun, 'stored' | 'storeError'>> {
  if (!deps.store) return {};
  try {
    return { stored: await deps.store(result) };
  } catch (e) {
    return { storeError: (e as Error).message };
  }
}

/** The plan's limits, clamped to the hard bounds; errors in words for the CLI and the app. */
export function checkWatchPlan(p: WatchPlan): string[] {
  const errors: string[] = [];
  if (!(p.everyMs >= MIN_EVERY_MS)) errors.push(`the interval must be at least ${MIN_EVERY_MS / 1000} s`);
  if (!(p.forMs > 0 && p.forMs <= MAX_WATCH_MS)) errors.push(`the duration must be more than 0 and at most ${MAX_WATCH_MS / 3600_000} h`);
  if (p.count !== undefined && !(Number.isInteger(p.count) && p.count >= 1 && p.count <= MAX_WATCH_RUNS))
    errors.push(`the count must be a whole number from 1 to ${MAX_WATCH_RUNS}`);
  if (!(Number.isInteger(p.fullEvery) && p.fullEvery >= 0 && p.fullEvery <= MAX_WATCH_RUNS)) errors.push('full-every must be a whole number (0: never)');
  return errors;
}

const isFullRun = (index: number, fullEvery: number): boolean => fullEvery > 0 && (index - 1) % fullEvery === 0;

/**
 * Runs the plan until its count or duration is reached, or `signal` stops it (the run in progress
 * is cancelled and still reported, marked incomplete). A run whose credentials were rejected ends
 * the watch: repeating it would look like a password-guessing attack and may lock the account.
 */
export async function watch(
  options: CheckOptions,
  plan: WatchPlan,
  deps: WatchDeps,
  observers: WatchObserver[],
  signal: AbortSignal,
): Promise<{ runs: number; end: WatchEnd }> {
  const errors = checkWatchPlan(plan);
  if (errors.length) throw new Error(errors.join('; '));
  const t0 = deps.clock.now();
  const maxRuns = Math.min(plan.count ?? MAX_WATCH_RUNS, MAX_WATCH_RUNS);
  let previous: RunSnapshot | null = null;
  for (let index = 1; index <= maxRuns; index++) {
    if (signal.aborted) return { runs: index - 1, end: 'stopped' };
    const started = deps.clock.now();
    const full = isFullRun(index, plan.fullEvery);
    const result = await deps.runCheck({ ...options, skipPathProbes: options.skipPathProbes || !full }, signal);
    const storing = await storeRun(deps, result);
    const snapshot = snapshotOf(result);
    const changes = previous ? changeEvents(previous, snapshot, deps.timeOf ?? localTimeOfDay) : [];
    // An interrupted run says nothing about attempts it did not finish: keep the last complete view.
    if (!result.incomplete) previous = snapshot;
    const run: WatchRun = { index, result, full, snapshot, changes, ...storing, cycleMs: Math.round(deps.clock.now() - started) };
    for (const o of observers) o.onRun(run);
    if (result.authFailures > 0) return { runs: index, end: 'auth-failed' };
    const nextStart = started + plan.everyMs;
    if (index === maxRuns) return { runs: index, end: 'count' };
    if (nextStart - t0 >= plan.forMs) return { runs: index, end: 'duration' };
    try {
      await sleep(deps.clock, Math.max(0, nextStart - deps.clock.now()), signal);
    } catch {
      return { runs: index, end: 'stopped' };
    }
  }
  return { runs: maxRuns, end: 'count' };
}
