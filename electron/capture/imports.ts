// Capture imports started from the UI: an id per import (to cancel it), progress as run events,
// and the results shown like an opened bundle.
import { randomBytes } from 'node:crypto';
import { dialogFacts } from '../../shared/capture/dialogs.js';
import { diagnose } from '../../shared/diagnosis/diagnose.js';
import type { OpenedBundleView, RunEvent } from '../../shared/ipc/contract.js';
import type { CheckResult } from '../../shared/model/results.js';
import { importChunks, slicesOf } from './import-stream.js';

/** Imports running at once (each holds its upload in memory). */
export const MAX_CONCURRENT_IMPORTS = 2;
/** Finished imports kept to be saved as bundles (a 200,000-packet one holds ~200 MB). */
export const MAX_KEPT_IMPORTS = 2;

export class CaptureImports {
  private readonly running = new Map<string, AbortController>();
  private readonly kept = new Map<string, CheckResult>();

  constructor(private readonly emit: (e: RunEvent) => void, private readonly newId = () => randomBytes(8).toString('hex')) {}

  async run(bytes: Uint8Array, name: string): Promise<OpenedBundleView> {
    if (this.running.size >= MAX_CONCURRENT_IMPORTS) throw new Error(`${MAX_CONCURRENT_IMPORTS} imports are already running; wait for one to finish`);
    const runId = this.newId();
    const abort = new AbortController();
    this.running.set(runId, abort);
    try {
      const { result } = await importChunks(slicesOf(bytes), {
        source: name, totalBytes: bytes.length, signal: abort.signal,
        onProgress: (progress) => this.emit({ runId, type: 'capture-progress', progress }),
      });
      this.kept.set(runId, result);
      if (this.kept.size > MAX_KEPT_IMPORTS) this.kept.delete(this.kept.keys().next().value!);
      return { createdAt: result.startedAt, appVersion: 'capture import', pseudonymised: false, result, diagnosis: diagnose(result), importId: runId, dialogs: dialogFacts(result) };
    } finally {
      this.running.delete(runId);
    }
  }

  /** A finished import, while it is among the last MAX_KEPT_IMPORTS. */
  result(importId: string): CheckResult | undefined {
    return this.kept.get(importId);
  }

  /** Whether `runId` was an import (now cancelled). */
  cancel(runId: string): boolean {
    const abort = this.running.get(runId);
    abort?.abort();
    return !!abort;
  }

  cancelAll(): void {
    for (const abort of this.running.values()) abort.abort();
  }
}
