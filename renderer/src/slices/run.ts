// Run slice: which step is shown and the check in progress (its id, live progress, path probes).
// A run's results arrive in steps: the registration matrix (verdict on screen at once), each path
// probe as it ends (findings grow), then the complete result.
import { diagnose } from '../../../shared/diagnosis/diagnose.js';
import type { Diagnosis } from '../../../shared/diagnosis/types.js';
import type { CheckOptions } from '../../../shared/model/check-options.js';
import { withFinishedProbe, type ProgressEvent } from '../../../shared/model/progress.js';
import type { CheckResult } from '../../../shared/model/results.js';
import type { AppState, SliceCreator } from '../store.js';

/** A path probe of the running check, shown as pending until it ends. */
interface ProbeStatus {
  probe: string;
  outcome?: string;
  durationMs?: number;
}

export interface RunSlice {
  step: 'account' | 'run' | 'results';
  runId: string | null;
  /** What the shown run checked, to run it again. */
  lastOptions: CheckOptions | null;
  startedAt: number;
  progress: ProgressEvent[];
  /** Path probes of the shown run, in start order, while and after they run. */
  probes: ProbeStatus[];
  /** Why the last check could not start or ended in failure (shown on the first screen). */
  error: string | null;
  /** The engine accepted a check: its progress is shown, the previous results are gone. */
  runStarted(runId: string, options: CheckOptions): void;
  /** A progress event of the shown run (the matrix verdict, a probe starting or ending, a step). */
  runProgressed(event: ProgressEvent): void;
  runFinished(runId: string, result: CheckResult, diagnosis: Diagnosis): void;
  /** The check could not start or failed: back to the form, saying why. */
  runFailed(message: string): void;
  /** A message for the first screen that is not about a run (e.g. a bundle not opened again). */
  showError(message: string): void;
  /** Back to the form from the results ("Check again"): the demo ends, the shown run is let go. */
  backToForm(): void;
}

/** Probe start/end events keep each path probe's pending/done mark current. */
function probesAfter(probes: ProbeStatus[], e: ProgressEvent): ProbeStatus[] {
  if (e.type === 'probe-started') return [...probes, { probe: e.probe }];
  if (e.type === 'probe-finished') return probes.map((p) => (p.probe === e.probe ? { ...p, outcome: e.outcome, durationMs: e.durationMs } : p));
  return probes;
}

/** A finished path probe joins the shown (partial) result, and the findings are diagnosed again with it. */
function findingsAfter(result: CheckResult | null, e: ProgressEvent): Partial<AppState> {
  if (e.type !== 'probe-finished' || !e.finished || !result) return {};
  const next = withFinishedProbe(result, e.finished);
  return { result: next, diagnosis: diagnose(next) };
}

export const createRunSlice: SliceCreator<RunSlice> = (set, get) => ({
  step: 'account',
  runId: null,
  lastOptions: null,
  startedAt: 0,
  progress: [],
  probes: [],
  error: null,
  runStarted: (runId, options) =>
    set({
      step: 'run',
      runId,
      lastOptions: options,
      startedAt: Date.now(),
      progress: [],
      probes: [],
      error: null,
      result: null,
      diagnosis: null,
      selectedSeq: null,
      lastRunId: null,
      opened: null,
    }),
  runProgressed: (e) => {
    if (e.type === 'matrix-finished') return set({ step: 'results', result: e.result, diagnosis: diagnose(e.result), opened: null });
    const s = get();
    set({ progress: [...s.progress, e], probes: probesAfter(s.probes, e), ...findingsAfter(s.result, e) });
  },
  runFinished: (runId, result, diagnosis) => set({ step: 'results', result, diagnosis, runId: null, lastRunId: runId, opened: null }),
  runFailed: (message) => set({ step: 'account', error: message, runId: null }),
  showError: (message) => set({ error: message }),
  backToForm: () => {
    get().endDemo(false);
    set({ step: 'account', runId: null });
  },
});
