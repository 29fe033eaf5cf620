// The app's side of the history and of "Keep checking": what the backend's history and watch
// methods do (the backend only forwards to this), so both shells behave the same.
import { randomBytes } from 'node:crypto';
import type { PseudonymOptions, Replacement } from '../../shared/bundle/redact.js';
import { diagnose } from '../../shared/diagnosis/diagnose.js';
import { compareRuns } from '../../shared/history/compare.js';
import type { ComparedRuns, HistoryEntry, HistoryEntrySummary, RunKind, WatchEvent, WatchSettings } from '../../shared/history/types.js';
import type { CheckOptions } from '../../shared/model/check-options.js';
import type { CheckResult } from '../../shared/model/results.js';
import { exportBundle } from '../bundle/bundle.js';
import { check } from '../engine/check.js';
import type { EngineDeps } from '../engine/deps.js';
import { watch } from '../watch/watch.js';
import type { BackendMethods } from '../../shared/ipc/methods.js';
import { TOOL_VERSION } from '../engine/version.js';
import { HistoryStore, type ListQuery } from './store.js';
import { BUNDLE_EXTENSION } from '../../shared/bundle/schema.js';

/** One "Keep checking" at a time: each one is a stream of REGISTERs to someone's server. */
export const MAX_APP_WATCHES = 1;

export class AppHistory {
  private readonly watches = new Map<string, AbortController>();

  constructor(
    readonly store: HistoryStore,
    private readonly deps: () => EngineDeps,
    private readonly emit: (e: WatchEvent) => void,
  ) {}

  /**
   * Keeps a finished run, bundle or import. Never fails the caller: the history is a convenience,
   * and a full disk must not turn a finished check into an error. Returns the row, or null.
   */
  async record(kind: RunKind, result: CheckResult, extra: { verdict?: string; bundleBytes?: number } = {}): Promise<HistoryEntrySummary | null> {
    try {
      return await this.store.add({ kind, result, ...extra });
    } catch {
      return null;
    }
  }

  list(q: ListQuery): Promise<HistoryEntrySummary[]> {
    return this.store.list(q);
  }

  private async entry(id: number): Promise<HistoryEntry> {
    const e = await this.store.get(id);
    if (!e) throw new Error(`run ${id} is no longer in the history (retention may have removed it)`);
    return e;
  }

  async open(id: number): Promise<{ entry: HistoryEntrySummary; result: CheckResult; diagnosis: ReturnType<typeof diagnose> }> {
    const { result, ...entry } = await this.entry(id);
    return { entry, result, diagnosis: diagnose(result) };
  }

  async exportBundle(id: number, pseudonymise: PseudonymOptions | null): Promise<{ fileName: string; bytes: Uint8Array; replacements: Replacement[] }> {
    const e = await this.entry(id);
    const { bytes, replacements } = exportBundle(e.result, { pseudonymise: pseudonymise ?? undefined });
    return { fileName: `sipladder-history-${id}${BUNDLE_EXTENSION}`, bytes, replacements };
  }

  async compare(beforeId: number, afterId: number): Promise<ComparedRuns> {
    const [before, after] = await Promise.all([this.open(beforeId), this.open(afterId)]);
    return { comparison: compareRuns(before.result, after.result), before, after };
  }

  /** Starts "Keep checking"; its runs and end come as watch events. Options must already be validated. */
  startWatch(options: CheckOptions, settings: WatchSettings): string {
    if (this.watches.size >= MAX_APP_WATCHES) throw new Error('the app is already checking this account repeatedly; stop that first');
    const watchId = randomBytes(8).toString('hex');
    const abort = new AbortController();
    this.watches.set(watchId, abort);
    const deps = this.deps();
    this.emit({ watchId, type: 'started', settings, at: new Date().toISOString() });
    watch(
      options,
      { ...settings },
      {
        clock: deps.clock,
        runCheck: (o, signal) => check(o, deps, { signal }),
        store: (result) => this.store.add({ kind: 'watch', result, watchId }),
      },
      [
        {
          onRun: (run) =>
            this.emit({
              watchId,
              type: 'run',
              index: run.index,
              full: run.full,
              verdict: run.stored?.verdict ?? diagnose(run.result).verdict,
              incomplete: Boolean(run.result.incomplete),
              cycleMs: run.cycleMs,
              snapshot: run.snapshot,
              changes: run.changes,
              ...(run.stored ? { historyId: run.stored.id } : {}),
            }),
        },
      ],
      abort.signal,
    )
      .then(({ runs, end }) => this.emit({ watchId, type: 'ended', runs, end }))
      .catch((e: unknown) => this.emit({ watchId, type: 'ended', runs: 0, end: 'failed', message: (e as Error).message }))
      .finally(() => this.watches.delete(watchId));
    return watchId;
  }

  stopWatch(watchId: string): boolean {
    const w = this.watches.get(watchId);
    w?.abort(new Error('stopped by the user'));
    return Boolean(w);
  }

  stopAll(): void {
    for (const id of [...this.watches.keys()]) this.stopWatch(id);
  }
}

type HistoryMethodName = 'historyList' | 'historyOpen' | 'historyExport' | 'historyCompare' | 'startWatch' | 'stopWatch';

/** The history and watch methods of the IPC table, for the backend to serve as they are. */
export function historyMethods(
  history: AppHistory,
  withSavedPassword: (o: CheckOptions, accountId: string | undefined) => Promise<CheckOptions>,
): Pick<BackendMethods, HistoryMethodName> {
  return {
    historyList: (q) => history.list(q),
    historyOpen: async (id) => {
      const { entry, result, diagnosis } = await history.open(id);
      return { createdAt: entry.createdAt, appVersion: TOOL_VERSION, pseudonymised: false, result, diagnosis, historyId: id };
    },
    historyExport: async (id, pseudo) => {
      const { fileName, bytes, replacements } = await history.exportBundle(id, pseudo);
      return { fileName, base64: Buffer.from(bytes).toString('base64'), replacements };
    },
    historyCompare: (a, b) => history.compare(a, b),
    startWatch: async (options, settings, accountId) => ({ watchId: history.startWatch(await withSavedPassword(options, accountId), settings) }),
    stopWatch: (watchId) => history.stopWatch(watchId),
  };
}
