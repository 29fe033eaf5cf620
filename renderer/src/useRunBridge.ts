// The single bridge from engine events to the store.
import { useEffect } from 'react';
import { api } from './api.js';
import { useApp } from './store.js';

export function useRunBridge(): void {
  useEffect(() => api.onRunEvent((e) => {
    const s = useApp.getState();
    if (e.runId !== s.runId) return;
    if (e.type === 'progress') s.set({ progress: [...s.progress, e.event] });
    else if (e.type === 'done') s.set({ step: 'results', result: e.result, diagnosis: e.diagnosis, runId: null, lastRunId: e.runId, opened: null });
    else s.set({ step: 'account', error: e.message, runId: null });
  }), []);
}
