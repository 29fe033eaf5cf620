// The single bridge from engine events to the store. A run's results arrive in steps: the
// registration matrix first (verdict on screen at once), each path probe as it ends (findings grow),
// then the complete result.
import { useEffect } from 'react';
import { rememberDialogFacts } from '../../shared/capture/dialogs.js';
import { diagnose } from '../../shared/diagnosis/diagnose.js';
import type { RunEvent } from '../../shared/ipc/contract.js';
import { withFinishedProbe, type ProgressEvent } from '../../shared/model/progress.js';
import { api } from './api.js';
import { FORGOTTEN_BUNDLE_NOTICE, isForgottenBundle } from './components/ErrorBoundary.js';
import { useApp, type AppState } from './store.js';

/** Events of runs this window has not claimed yet: a run's first events can beat startCheck's answer. */
const unclaimed: RunEvent[] = [];
const MAX_UNCLAIMED = 2000;

/** Probe start/end events keep each path probe's pending/done mark current. */
function probesAfter(probes: AppState['probes'], e: ProgressEvent): AppState['probes'] {
  if (e.type === 'probe-started') return [...probes, { probe: e.probe }];
  if (e.type === 'probe-finished') return probes.map((p) => (p.probe === e.probe ? { ...p, outcome: e.outcome, durationMs: e.durationMs } : p));
  return probes;
}

/** A finished path probe joins the shown (partial) result, and the findings are diagnosed again with it. */
function findingsAfter(result: AppState['result'], e: ProgressEvent): Partial<AppState> {
  if (e.type !== 'probe-finished' || !e.finished || !result) return {};
  const next = withFinishedProbe(result, e.finished);
  return { result: next, diagnosis: diagnose(next) };
}

function apply(e: RunEvent): void {
  const s = useApp.getState();
  if (e.type === 'bundle-opened') {
    const b = e.bundle;
    // It broke the view and the user went back (ErrorBoundary): not again, and say so.
    if (isForgottenBundle(b)) return s.set({ error: FORGOTTEN_BUNDLE_NOTICE });
    if (b.dialogs) rememberDialogFacts(b.result, b.dialogs);
    // An imported capture's id stands for the run: to save it as a bundle and fetch its messages.
    s.set({ step: 'results', result: b.result, diagnosis: b.diagnosis, lastRunId: b.importId ?? null, lastOptions: null, opened: b.importId ? null : { createdAt: b.createdAt, appVersion: b.appVersion, pseudonymised: b.pseudonymised }, selectedSeq: null, probes: [] });
    return;
  }
  if (e.type === 'capture-progress') return; // import progress: components/capture/ImportProgress
  if (e.runId !== s.runId) {
    unclaimed.push(e);
    if (unclaimed.length > MAX_UNCLAIMED) unclaimed.shift();
    return;
  }
  if (e.type === 'progress' && e.event.type === 'matrix-finished') s.set({ step: 'results', result: e.event.result, diagnosis: diagnose(e.event.result), opened: null });
  else if (e.type === 'progress') s.set({ progress: [...s.progress, e.event], probes: probesAfter(s.probes, e.event), ...findingsAfter(s.result, e.event) });
  else if (e.type === 'done') s.set({ step: 'results', result: e.result, diagnosis: e.diagnosis, runId: null, lastRunId: e.runId, opened: null });
  else s.set({ step: 'account', error: e.message, runId: null });
}

/** Makes `runId` the shown run (already set in the store) and replays what arrived for it before. */
export function claimRun(runId: string): void {
  const early = unclaimed.filter((e) => e.runId === runId);
  unclaimed.splice(0, unclaimed.length, ...unclaimed.filter((e) => e.runId !== runId));
  early.forEach(apply);
}

export function useRunBridge(): void {
  useEffect(() => api.onRunEvent(apply), []);
}
