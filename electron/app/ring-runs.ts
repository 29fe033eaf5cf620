// Ring tests started from the app: ids, cancellation (which still unregisters), events. One at a
// time: a second registration of the same account would take the call from the first.
import { randomBytes } from 'node:crypto';
import { diagnoseRing } from '../../shared/diagnosis/rules-ring.js';
import type { CheckOptions } from '../../shared/model/check-options.js';
import type { RingEvent } from '../../shared/model/ring.js';
import type { EngineDeps } from '../engine/deps.js';
import { ringTest } from '../engine/ring/ring-test.js';

export const MAX_CONCURRENT_RINGS = 1;

export class RingRuns {
  private readonly running = new Map<string, AbortController>();

  constructor(
    private readonly deps: () => EngineDeps,
    private readonly emit: (e: RingEvent) => void,
  ) {}

  /** Starts a ring test; throws when one is running. Options must already be validated. */
  start(options: CheckOptions, waitS: number): string {
    if (this.running.size >= MAX_CONCURRENT_RINGS) throw new Error('a ring test is already running');
    const runId = randomBytes(8).toString('hex');
    const abort = new AbortController();
    this.running.set(runId, abort);
    ringTest(options, waitS, this.deps(), { signal: abort.signal, onProgress: (e) => this.emit({ runId, ...e }) })
      .then((result) => this.emit({ runId, type: 'done', result, diagnosis: diagnoseRing(result) }))
      .catch((e: unknown) => this.emit({ runId, type: 'failed', message: (e as Error).message }))
      .finally(() => this.running.delete(runId));
    return runId;
  }

  cancel(runId: string): boolean {
    const run = this.running.get(runId);
    run?.abort(new Error('cancelled by the user'));
    return run !== undefined;
  }

  cancelAll(): void {
    for (const id of [...this.running.keys()]) this.cancel(id);
  }
}
