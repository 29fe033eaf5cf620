// Capture imports started from the UI: an id per import (to cancel it), progress as run events,
// and the results shown like an opened bundle.
import { randomBytes } from 'node:crypto';
import { diagnose } from '../../shared/diagnosis/diagnose.js';
import type { OpenedBundleView, RunEvent } from '../../shared/ipc/contract.js';
import { importChunks, slicesOf } from './import-stream.js';

/** Imports running at once (each holds its upload in memory). */
export const MAX_CONCURRENT_IMPORTS = 2;

export class CaptureImports {
  private readonly running = new Map<string, AbortController>();

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
      return { createdAt: result.startedAt, appVersion: 'capture import', pseudonymised: false, result, diagnosis: diagnose(result) };
    } finally {
      this.running.delete(runId);
    }
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
