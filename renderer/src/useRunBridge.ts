// The single bridge from engine events to the store. A run's results arrive in steps: the
// registration matrix first (verdict on screen at once), each path probe as it ends (findings grow),
// then the complete result.
import { useEffect } from 'react';
import type { RunEvent } from '../../shared/ipc/contract.js';
import { api } from './api.js';
import { FORGOTTEN_BUNDLE_NOTICE, isForgottenBundle } from './components/ErrorBoundary.js';
import { useApp } from './store.js';

/** Events of runs this window has not claimed yet: a run's first events can beat startCheck's answer. */
const unclaimed: RunEvent[] = [];
const MAX_UNCLAIMED = 2000;

function apply(e: RunEvent): void {
  const s = useApp.getState();
  if (e.type === 'bundle-opened') {
    // It broke the view and the user went back (ErrorBoundary): not again, and say so.
    if (isForgottenBundle(e.bundle)) return s.showError(FORGOTTEN_BUNDLE_NOTICE);
    return s.openResults(e.bundle);
  }
  if (e.type === 'capture-progress') return; // import progress: components/capture/ImportProgress
  // The audit tab's run (slices/audit.ts) has its own place on the page.
  if (e.runId !== '' && e.runId === s.auditRunId) return s.auditEvent(e);
  if (e.runId !== s.runId) {
    unclaimed.push(e);
    if (unclaimed.length > MAX_UNCLAIMED) unclaimed.shift();
    return;
  }
  if (e.type === 'progress') s.runProgressed(e.event);
  else if (e.type === 'done') s.runFinished(e.runId, e.result, e.diagnosis);
  else s.runFailed(e.message);
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
