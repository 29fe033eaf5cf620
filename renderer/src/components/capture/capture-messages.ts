// The bytes of the messages a capture's ladder draws, fetched when their dialogs are shown: an
// import reaches the page with its trace but without bytes (most of 100,000 messages are never
// displayed; see electron/capture/imports.ts).
import { useEffect, useState } from 'react';
import { MAX_CAPTURE_MESSAGES_PER_REQUEST } from '../../../../shared/ipc/contract.js';
import type { CheckResult } from '../../../../shared/model/results.js';
import { api } from '../../api.js';
import { useApp } from '../../store.js';

/** Seqs of the messages of `attempts` whose bytes the page does not have yet (at most one request's worth). */
export function missingMessages(result: CheckResult, attempts: number[]): number[] {
  const wanted = new Set(attempts);
  const seqs = result.attempts.filter((a) => wanted.has(a.id)).flatMap((a) => a.traceSeqs);
  return seqs
    .filter((seq) => {
      const e = result.trace[seq - 1]; // seqs number the trace from 1
      return e && (e.kind === 'sent' || e.kind === 'received') && e.bytes === undefined;
    })
    .slice(0, MAX_CAPTURE_MESSAGES_PER_REQUEST);
}

/**
 * Fetches the missing bytes of the shown dialogs of an imported capture and writes them into its
 * trace events (in place: the result object stays the same, so the dialog list and its cached
 * facts are not rebuilt). `loaded` counts the fetches that landed, for keying the views that draw them.
 */
export function useCaptureMessages(attempts: number[]): { loaded: number; error: string } {
  const result = useApp((s) => s.result);
  const importId = useApp((s) => s.lastRunId);
  const [state, setState] = useState({ loaded: 0, error: '' });
  const key = attempts.join(',');
  useEffect(() => {
    if (result?.origin !== 'capture' || !importId) return;
    const missing = missingMessages(result, attempts);
    if (!missing.length) return;
    let current = true;
    api.captureMessages(importId, missing).then(
      (messages) => {
        for (const m of messages) {
          const e = result.trace[m.seq - 1];
          if (e?.seq === m.seq) e.bytes = m.bytes;
        }
        if (current) setState((s) => ({ loaded: s.loaded + 1, error: '' }));
      },
      (e: Error) => current && setState((s) => ({ ...s, error: e.message })),
    );
    return () => void (current = false);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the shown set by value (`key`), not the array's identity
  }, [result, importId, key]);
  return state;
}
