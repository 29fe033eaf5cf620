// Starting a check from the UI (the form, "Run the check again" on the results).
import type { CheckOptions } from '../../shared/model/check-options.js';
import { api } from './api.js';
import { useApp } from './store.js';
import { claimRun } from './useRunBridge.js';

export async function startRun(options: CheckOptions): Promise<void> {
  const s = useApp.getState();
  try {
    const { runId } = await api.startCheck(options, s.form.savedAccountId);
    s.runStarted(runId, options);
    claimRun(runId);
  } catch (e) {
    s.runFailed((e as Error).message);
  }
}
