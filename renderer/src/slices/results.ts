// Results slice: the results on screen (a finished or running check, an opened bundle or an
// imported capture) and the message selected on the ladder.
import { rememberDialogFacts } from '../../../shared/capture/dialogs.js';
import type { Diagnosis } from '../../../shared/diagnosis/types.js';
import type { OpenedBundleView } from '../../../shared/ipc/contract.js';
import type { CheckResult } from '../../../shared/model/results.js';
import type { SliceCreator } from '../store.js';
import { UNFILTERED } from './capture-view.js';

export interface ResultsSlice {
  result: CheckResult | null;
  diagnosis: Diagnosis | null;
  /** The finished run shown in the results (for exporting a bundle), or an imported capture's id; null for an opened bundle. */
  lastRunId: string | null;
  /** Set when the results come from a bundle file. */
  opened: { createdAt: string; appVersion: string; pseudonymised: boolean; historyId?: number } | null;
  /** Trace seq of the message shown raw (a ladder arrow or an evidence link). */
  selectedSeq: number | null;
  /** Bumped when a message is chosen from outside the ladder (an evidence link, a dialog of the list), so the ladder and the raw message scroll into view. */
  revealRequest: number;
  /** A bundle opened or a capture imported (from the page or the OS) becomes the shown results. */
  openResults(view: OpenedBundleView): void;
  selectArrow(seq: number): void;
  /** Selects a message and brings the ladder and its raw message into view. */
  revealMessage(seq: number): void;
  /** Back to the first screen after a view failed: everything but the account form and the demo is reset. */
  forgetResults(): void;
}

export const createResultsSlice: SliceCreator<ResultsSlice> = (set, get, store) => ({
  result: null,
  diagnosis: null,
  lastRunId: null,
  opened: null,
  selectedSeq: null,
  revealRequest: 0,
  openResults: (b) => {
    if (b.dialogs) rememberDialogFacts(b.result, b.dialogs);
    // An imported capture's id stands for the run: to save it as a bundle and fetch its messages.
    set({
      step: 'results',
      result: b.result,
      diagnosis: b.diagnosis,
      lastRunId: b.importId ?? null,
      lastOptions: null,
      probes: [],
      selectedSeq: null,
      captureView: UNFILTERED,
      opened: b.importId ? null : { createdAt: b.createdAt, appVersion: b.appVersion, pseudonymised: b.pseudonymised, historyId: b.historyId },
    });
  },
  selectArrow: (seq) => set({ selectedSeq: seq }),
  revealMessage: (seq) => set((s) => ({ selectedSeq: seq, revealRequest: s.revealRequest + 1 })),
  forgetResults: () => {
    const { form, demo } = get();
    set({ ...store.getInitialState(), form, demo }, true);
  },
});
