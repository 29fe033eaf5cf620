// What both shells serve (Electron IPC and browser-mode HTTP): runs, cancellation, the demo
// registrar, and a fan-out of run events to every listening window.
import type { RunEvent } from '../../shared/ipc/contract.js';
import { Demo } from '../demo/demo.js';
import { defaultDeps } from '../engine/deps.js';
import { RunManager } from '../engine/runs.js';
import type { WebBackend } from '../web/server.js';

export function createBackend(): WebBackend & { close(): Promise<void> } {
  const listeners = new Set<(e: RunEvent) => void>();
  const runs = new RunManager(defaultDeps, (e) => listeners.forEach((l) => l(e)));
  const demo = new Demo();
  return {
    startCheck: (options) => runs.start(options),
    cancelCheck: (runId) => runs.cancel(runId),
    startDemo: (scenario) => demo.start(scenario),
    subscribe: (listener) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    close: async () => {
      runs.cancelAll();
      await demo.stop();
    },
  };
}
