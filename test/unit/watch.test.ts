// The watch loop (electron/watch/watch.ts) on a manual clock with a scripted check: bounds, light
// and full runs, change events, history, Ctrl-C, and the stop on rejected credentials.
import { describe, expect, it } from 'vitest';
import { watch, type WatchPlan, type WatchRun } from '../../electron/watch/watch.js';
import type { CheckOptions } from '../../shared/model/check-options.js';
import type { CheckResult } from '../../shared/model/results.js';
import { seed000Run } from '../fixtures/history-results.js';
import { manualClock } from '../manual-clock.js';

const OPTIONS: CheckOptions = { server: 'sip.example.com', user: 'alice', transports: ['udp', 'tcp'] };
const CHECK_MS = 1000;

/** A check that takes CHECK_MS of the manual clock and returns the scripted results in turn. */
function scripted(results: CheckResult[]) {
  const clock = manualClock();
  const asked: CheckOptions[] = [];
  const runCheck = async (o: CheckOptions): Promise<CheckResult> => {
    asked.push(o);
    await new Promise<void>((r) => clock.setTimer(r, CHECK_MS));
    return results[Math.min(asked.length - 1, results.length - 1)]!;
  };
  return { clock, asked, runCheck };
}

async function drive(clock: ReturnType<typeof manualClock>, until: Promise<unknown>, stepMs = 500, maxSteps = 1000): Promise<void> {
  let done = false;
  void until.finally(() => (done = true));
  for (let i = 0; i < maxSteps && !done; i++) await clock.advance(stepMs);
}

const at = (s: number): string => new Date(Date.UTC(2026, 10, 22, 14, 0, s)).toISOString();

describe('watch', () => {
  it('runs count times every interval, path probes on run 1 and every Nth, change events between runs, each run stored', async () => {
    const s = scripted([seed000Run(at(0), true), seed000Run(at(5), true), seed000Run(at(10), false)]);
    const runs: WatchRun[] = [];
    const stored: CheckResult[] = [];
    const plan: WatchPlan = { everyMs: 5000, forMs: 3600_000, count: 3, fullEvery: 2 };
    const starts: number[] = [];
    const deps = {
      clock: s.clock,
      runCheck: (o: CheckOptions) => (starts.push(s.clock.now()), s.runCheck(o)),
      store: async (r: CheckResult) => (
        stored.push(r),
        { id: stored.length, kind: 'watch' as const, createdAt: r.startedAt, server: 's', user: 'u', verdict: 'v', durationMs: 1, storedBytes: 1 }
      ),
    };
    const done = watch(OPTIONS, plan, deps, [{ onRun: (r) => runs.push(r) }], new AbortController().signal);
    await drive(s.clock, done);
    expect(await done).toEqual({ runs: 3, end: 'count' });
    expect(starts).toEqual([0, 5000, 10000]);
    expect(s.asked.map((o) => o.skipPathProbes)).toEqual([false, true, false]);
    expect(runs.map((r) => [r.index, r.full, r.stored?.id, r.cycleMs])).toEqual([
      [1, true, 1, CHECK_MS],
      [2, false, 2, CHECK_MS],
      [3, true, 3, CHECK_MS],
    ]);
    expect(runs.map((r) => r.changes.map((c) => c.change))).toEqual([[], [], ['started-failing']]);
    expect(stored).toHaveLength(3);
  });

  it('ends when the duration is up, and at once on Ctrl-C while it waits', async () => {
    const s = scripted([seed000Run(at(0), true)]);
    const byTime = watch(OPTIONS, { everyMs: 10_000, forMs: 25_000, fullEvery: 0 }, s, [], new AbortController().signal);
    await drive(s.clock, byTime);
    expect(await byTime).toEqual({ runs: 3, end: 'duration' });
    expect(s.asked.every((o) => o.skipPathProbes)).toBe(true);

    const t = scripted([seed000Run(at(0), true)]);
    const stop = new AbortController();
    const stopped = watch(OPTIONS, { everyMs: 60_000, forMs: 3600_000, fullEvery: 1 }, t, [{ onRun: () => stop.abort() }], stop.signal);
    await drive(t.clock, stopped);
    expect(await stopped).toEqual({ runs: 1, end: 'stopped' });
    expect(t.clock.now()).toBeLessThan(60_000);
  });

  it('stops after a run with rejected credentials (repeating it would look like password guessing)', async () => {
    const s = scripted([{ ...seed000Run(at(0), true), authFailures: 1 }]);
    const done = watch(OPTIONS, { everyMs: 5000, forMs: 3600_000, fullEvery: 0 }, s, [], new AbortController().signal);
    await drive(s.clock, done);
    expect(await done).toEqual({ runs: 1, end: 'auth-failed' });
  });

  it('a run that cannot be stored is reported with the run, and the watch goes on', async () => {
    const s = scripted([seed000Run(at(0), true)]);
    const runs: WatchRun[] = [];
    const store = async (): Promise<never> => {
      throw new Error('disk full');
    };
    const done = watch(
      OPTIONS,
      { everyMs: 5000, forMs: 3600_000, count: 2, fullEvery: 0 },
      { ...s, store },
      [{ onRun: (r) => runs.push(r) }],
      new AbortController().signal,
    );
    await drive(s.clock, done);
    expect(await done).toEqual({ runs: 2, end: 'count' });
    expect(runs.map((r) => [r.stored, r.storeError])).toEqual([
      [undefined, 'disk full'],
      [undefined, 'disk full'],
    ]);
  });

  it('refuses plans outside the bounds', async () => {
    const s = scripted([seed000Run(at(0), true)]);
    const signal = new AbortController().signal;
    await expect(watch(OPTIONS, { everyMs: 1000, forMs: 60_000, fullEvery: 0 }, s, [], signal)).rejects.toThrow(/at least 5 s/);
    await expect(watch(OPTIONS, { everyMs: 5000, forMs: 8 * 24 * 3600_000, fullEvery: 0 }, s, [], signal)).rejects.toThrow(/at most 168 h/);
    await expect(watch(OPTIONS, { everyMs: 5000, forMs: 60_000, count: 0, fullEvery: 0 }, s, [], signal)).rejects.toThrow(/count/);
    expect(s.asked).toEqual([]);
  });
});
