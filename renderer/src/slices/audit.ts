// Audit slice: the "Audit my server" tab (issue 13). An audit runs like a check (same run events,
// same cancel), and its finished result becomes the shown results, so the findings, the ladder and
// the bundle export work on it unchanged.
import type { RunEvent } from '../../../shared/ipc/contract.js';
import type { SliceCreator } from '../store.js';

export interface AuditSlice {
  /** Which tab is shown: the registration check or the exposure audit. */
  view: 'check' | 'audit';
  /** The audit in progress, if any. */
  auditRunId: string | null;
  /** Its progress lines, in order (the test running, the request sent). */
  auditProgress: string[];
  /** Why the last audit could not start or failed. */
  auditError: string | null;
  /** The finished audit is the shown result (its run id is the results' lastRunId). */
  auditDone: boolean;
  showView(view: 'check' | 'audit'): void;
  /** The backend accepted an audit: earlier audit results are gone from the tab. */
  auditStarted(runId: string): void;
  /** An event of the audit in progress (progress, done, failed). */
  auditEvent(e: RunEvent): void;
  auditFailed(message: string): void;
}

/** Progress lines kept: an audit sends a few dozen requests; a runaway stream must not grow the page. */
const MAX_PROGRESS_LINES = 200;

export const createAuditSlice: SliceCreator<AuditSlice> = (set, get) => ({
  view: 'check',
  auditRunId: null,
  auditProgress: [],
  auditError: null,
  auditDone: false,
  showView: (view) => set({ view }),
  // The check tab goes back to its form: the shown results are the audit's from now on.
  auditStarted: (runId) =>
    set({
      step: 'account',
      auditRunId: runId,
      auditProgress: [],
      auditError: null,
      auditDone: false,
      result: null,
      diagnosis: null,
      selectedSeq: null,
      lastRunId: null,
      opened: null,
    }),
  auditEvent: (e) => {
    if (e.type === 'progress') {
      const text =
        'text' in e.event
          ? e.event.text
          : e.event.type === 'probe-started'
            ? `${e.event.probe}…`
            : e.event.type === 'probe-finished'
              ? `${e.event.probe}: ${e.event.outcome}`
              : '';
      if (text) set({ auditProgress: [...get().auditProgress, text].slice(-MAX_PROGRESS_LINES) });
    } else if (e.type === 'done') {
      set({ auditRunId: null, auditDone: true, result: e.result, diagnosis: e.diagnosis, lastRunId: e.runId, opened: null, selectedSeq: null });
    } else if (e.type === 'failed') set({ auditRunId: null, auditError: e.message });
  },
  auditFailed: (message) => set({ auditRunId: null, auditError: message }),
});
