// Starting a check from the UI (the form, or "Run again" on the results).
import type { CheckOptions } from '../../shared/model/check-options.js';
import { api } from './api.js';
import { useApp } from './store.js';
import { claimRun } from './useRunBridge.js';

export async function startRun(options: CheckOptions): Promise<void> {
  const { set } = useApp.getState();
  try {
    const { runId } = await api.startCheck(options, useApp.getState().form.savedAccountId);
    set({ step: 'run', runId, lastOptions: options, startedAt: Date.now(), progress: [], probes: [], result: null, diagnosis: null, error: null, selectedSeq: null, lastRunId: null, opened: null });
    claimRun(runId);
  } catch (e) {
    set({ step: 'account', error: (e as Error).message });
  }
}
