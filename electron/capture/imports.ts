// Capture imports started from the UI: an id per import (to cancel it), progress as run events,
// and the results shown like an opened bundle.
import { randomBytes } from 'node:crypto';
import { dialogFacts } from '../../shared/capture/dialogs.js';
import { diagnose } from '../../shared/diagnosis/diagnose.js';
import type { CaptureMessage, OpenedBundleView, RunEvent } from '../../shared/ipc/contract.js';
import type { CheckResult } from '../../shared/model/results.js';
import type { TraceEvent } from '../../shared/model/trace.js';
import { importChunks, slicesOf } from './import-stream.js';

/** Imports running at once (each holds its upload in memory). */
export const MAX_CONCURRENT_IMPORTS = 2;
/** Finished imports kept to be saved as bundles (a 200,000-packet one holds ~200 MB). */
export const MAX_KEPT_IMPORTS = 2;

export class CaptureImports {
  private readonly running = new Map<string, AbortController>();
  private readonly kept = new Map<string, CheckResult>();

  constructor(
    private readonly emit: (e: RunEvent) => void,
    private readonly newId = () => randomBytes(8).toString('hex'),
  ) {}

  /**
   * Imports a capture held in memory (Electron IPC) or arriving as a stream (the browser mode's
   * upload, imported while it is still being sent); `totalBytes` sizes the progress bar.
   */
  async run(source: Uint8Array | AsyncIterable<Uint8Array>, name: string, totalBytes?: number): Promise<OpenedBundleView> {
    if (this.running.size >= MAX_CONCURRENT_IMPORTS) throw new Error(`${MAX_CONCURRENT_IMPORTS} imports are already running; wait for one to finish`);
    const runId = this.newId();
    const abort = new AbortController();
    this.running.set(runId, abort);
    try {
      const whole = source instanceof Uint8Array;
      const { result } = await importChunks(whole ? slicesOf(source) : source, {
        source: name,
        totalBytes: whole ? source.length : totalBytes,
        signal: abort.signal,
        liveDialogs: true,
        onProgress: (progress) => this.emit({ runId, type: 'capture-progress', progress }),
      });
      this.kept.set(runId, result);
      if (this.kept.size > MAX_KEPT_IMPORTS) this.kept.delete(this.kept.keys().next().value!);
      const page = { ...result, trace: result.trace.map(withoutBytes) };
      return {
        createdAt: result.startedAt,
        appVersion: 'capture import',
        pseudonymised: false,
        result: page,
        diagnosis: diagnose(result),
        importId: runId,
        dialogs: dialogFacts(result),
      };
    } finally {
      this.running.delete(runId);
    }
  }

  /** A finished import, while it is among the last MAX_KEPT_IMPORTS. */
  result(importId: string): CheckResult | undefined {
    return this.kept.get(importId);
  }

  /** Bytes of messages of a kept import by trace seq (seqs that are not messages are left out). */
  messages(importId: string, seqs: number[]): CaptureMessage[] {
    const result = this.kept.get(importId);
    if (!result) throw new Error('that capture is no longer available; import it again');
    const out: CaptureMessage[] = [];
    for (const seq of seqs) {
      const bytes = result.trace[seq - 1]?.bytes; // seqs number the trace from 1
      if (bytes !== undefined) out.push({ seq, bytes });
    }
    return out;
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

/**
 * A trace event without its bytes, for the page: the full trace of 100,000 messages is ~80 MB of
 * JSON, most never displayed; the page fetches the bytes of the dialogs it draws. Built field by
 * field, since spreading an event would encode its lazy `bytes`.
 */
function withoutBytes(e: TraceEvent): TraceEvent {
  return { seq: e.seq, t: e.t, attempt: e.attempt, kind: e.kind, transport: e.transport, local: e.local, remote: e.remote, size: e.size, note: e.note };
}
