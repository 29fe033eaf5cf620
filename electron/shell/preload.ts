// The preload: exposes exactly the SipLadderApi of the shared contract on window.sipladder, never
// ipcRenderer itself. Bundled to CommonJS because sandboxed preloads cannot load ES modules.
import { CHANNELS, type DemoScenario, type RunEvent, type SipLadderApi } from '../../shared/ipc/contract.js';
import type { CheckOptions } from '../../shared/model/check-options.js';
import type { PreloadElectronLike } from './electron-like.js';

export function preloadApi(ipc: PreloadElectronLike['ipcRenderer']): SipLadderApi {
  return {
    startCheck: (options: CheckOptions, savedAccountId?: string) => ipc.invoke(CHANNELS.startCheck, options, savedAccountId) as Promise<{ runId: string }>,
    cancelCheck: async (runId: string) => void (await ipc.invoke(CHANNELS.cancelCheck, runId)),
    startDemo: (scenario: DemoScenario) => ipc.invoke(CHANNELS.startDemo, scenario) as ReturnType<SipLadderApi['startDemo']>,
    listAccounts: () => ipc.invoke(CHANNELS.listAccounts) as ReturnType<SipLadderApi['listAccounts']>,
    saveAccount: (a) => ipc.invoke(CHANNELS.saveAccount, a) as ReturnType<SipLadderApi['saveAccount']>,
    deleteAccount: async (id) => void (await ipc.invoke(CHANNELS.deleteAccount, id)),
    exportBundle: (runId, pseudonymise) => ipc.invoke(CHANNELS.exportBundle, { runId, pseudonymise }) as ReturnType<SipLadderApi['exportBundle']>,
    openBundle: (base64) => ipc.invoke(CHANNELS.openBundle, base64) as ReturnType<SipLadderApi['openBundle']>,
    // IPC cannot carry a Blob: its bytes go, checked again in the main process.
    importCapture: async (file, name) => ipc.invoke(CHANNELS.importCapture, new Uint8Array(await file.arrayBuffer()), name) as ReturnType<SipLadderApi['importCapture']>,
    captureMessages: (importId, seqs) => ipc.invoke(CHANNELS.captureMessages, { importId, seqs }) as ReturnType<SipLadderApi['captureMessages']>,
    onRunEvent: (listener) => {
      const handler = (_e: unknown, payload: unknown): void => listener(payload as RunEvent);
      ipc.on(CHANNELS.runEvent, handler);
      // Only now does the main process send this window events (the listener is in place, so a
      // bundle opened before the page was ready, replayed on subscription, is not lost).
      void ipc.invoke(CHANNELS.subscribeEvents);
      return () => ipc.removeListener(CHANNELS.runEvent, handler);
    },
  };
}

export function exposeApi(electron: PreloadElectronLike): void {
  electron.contextBridge.exposeInMainWorld('sipladder', preloadApi(electron.ipcRenderer));
}
