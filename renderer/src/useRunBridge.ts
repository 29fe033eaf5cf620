// The single bridge from engine events to the store.
import { useEffect } from 'react';
import { api } from './api.js';
import { useApp } from './store.js';

export function useRunBridge(): void {
  useEffect(() => api.onRunEvent((e) => {
    const s = useApp.getState();
    if (e.type === 'bundle-opened') {
      const b = e.bundle;
      s.set({ step: 'results', result: b.result, diagnosis: b.diagnosis, lastRunId: null, opened: { createdAt: b.createdAt, appVersion: b.appVersion, pseudonymised: b.pseudonymised }, selectedSeq: null });
      return;
    }
    if (e.runId !== s.runId || e.type === 'capture-progress') return; // import progress: components/capture/ImportProgress
    if (e.type === 'progress') s.set({ progress: [...s.progress, e.event] });
    else if (e.type === 'done') s.set({ step: 'results', result: e.result, diagnosis: e.diagnosis, runId: null, lastRunId: e.runId, opened: null });
    else s.set({ step: 'account', error: e.message, runId: null });
  }), []);
}
