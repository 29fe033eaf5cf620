// Runs of `check` started from the UI: ids, cancellation, events, a bound on concurrent runs.
import { randomBytes } from 'node:crypto';
import { diagnose } from '../../shared/diagnosis/diagnose.js';
import type { RunEvent } from '../../shared/ipc/contract.js';
import type { CheckOptions } from '../../shared/model/check-options.js';
import type { ProgressEvent } from '../../shared/model/progress.js';
import type { CheckResult } from '../../shared/model/results.js';
import { check } from '../engine/check.js';
import type { EngineDeps } from '../engine/deps.js';

/** More would multiply the traffic to servers (and the auth-failure budget is per run). */
export const MAX_CONCURRENT_RUNS = 2;

/** Finished results kept for export (the newest ones). */
export const KEPT_RESULTS = 10;

export class RunManager {
  private readonly runs = new Map<string, AbortController>();
  private readonly finished = new Map<string, CheckResult>();

  /** The result of a finished run, for exporting it. */
  result(runId: string): CheckResult | undefined {
    return this.finished.get(runId);
  }

  /** A finished run's results with more added (the page's browser registration, electron/webrtc), for export. */
  replace(runId: string, result: CheckResult): void {
    if (this.finished.has(runId)) this.finished.set(runId, result);
  }

  constructor(
    private readonly deps: () => EngineDeps,
    private readonly emit: (e: RunEvent) => void,
  ) {}

  /** Starts a check; throws when too many are running. Options must already be validated. */
  start(options: CheckOptions): string {
    return this.launch((deps, hooks) => check(options, deps, hooks));
  }

  /**
   * Starts any run whose results are a CheckResult (a check, an exposure audit) under the same
   * bounds, events, cancellation and kept results.
   */
  launch(run: (deps: EngineDeps, hooks: { signal: AbortSignal; onProgress: (e: ProgressEvent) => void }) => Promise<CheckResult>): string {
    if (this.runs.size >= MAX_CONCURRENT_RUNS) throw new Error(`at most ${MAX_CONCURRENT_RUNS} checks at a time`);
    const runId = randomBytes(8).toString('hex');
    const abort = new AbortController();
    this.runs.set(runId, abort);
    run(this.deps(), { signal: abort.signal, onProgress: (event) => this.emit({ runId, type: 'progress', event }) })
      .then((result) => {
        this.finished.set(runId, result);
        if (this.finished.size > KEPT_RESULTS) this.finished.delete(this.finished.keys().next().value!);
        this.emit({ runId, type: 'done', result, diagnosis: diagnose(result) });
      })
      .catch((e: unknown) => this.emit({ runId, type: 'failed', message: (e as Error).message }))
      .finally(() => this.runs.delete(runId));
    return runId;
  }

  cancel(runId: string): boolean {
    const run = this.runs.get(runId);
    run?.abort(new Error('cancelled by the user'));
    return !!run;
  }

  cancelAll(): void {
    for (const id of [...this.runs.keys()]) this.cancel(id);
  }
}
