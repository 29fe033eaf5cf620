// What both shells serve (Electron IPC and browser-mode HTTP): runs, cancellation, the demo
// registrar, and a fan-out of run events to every listening window.
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { OpenedBundleView, RunEvent } from '../../shared/ipc/contract.js';
import type { CheckOptions } from '../../shared/model/check-options.js';
import { AccountStore, type SecretBox } from './accounts.js';
import { exportBundle, openBundle } from '../bundle/bundle.js';
import { CaptureImports } from '../capture/imports.js';
import { Demo } from '../demo/demo.js';
import { defaultDeps } from '../engine/deps.js';
import { RunManager } from '../engine/runs.js';
import type { WebBackend } from '../web/server.js';

/** Where browser mode keeps saved accounts (never with passwords: it has no keychain). */
export function defaultAccountsFile(): string {
  return join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'sipladder', 'accounts.json');
}

export interface Backend extends WebBackend {
  /** A check of a saved account: its keychain password is filled in here, unless one was typed (Electron only). */
  startSavedCheck(options: CheckOptions, accountId: string): Promise<string>;
  /** Shows a bundle (.sipladder) or a capture in every window, now and when one connects later. */
  presentFile(base64: string, name: string): Promise<void>;
  close(): Promise<void>;
}

export function createBackend(o: { accountsFile?: string; secretBox?: SecretBox | null } = {}): Backend {
  let presented: RunEvent | null = null;
  const accounts = new AccountStore(o.accountsFile ?? defaultAccountsFile(), o.secretBox ?? null);
  const listeners = new Set<(e: RunEvent) => void>();
  const runs = new RunManager(defaultDeps, (e) => listeners.forEach((l) => l(e)));
  const demo = new Demo();
  const captures = new CaptureImports((e) => listeners.forEach((l) => l(e)));
  const imported = (source: Uint8Array | AsyncIterable<Uint8Array>, name: string, totalBytes?: number): Promise<OpenedBundleView> => captures.run(source, name, totalBytes);
  const view = (base64: string): OpenedBundleView => {
    const b = openBundle(new Uint8Array(Buffer.from(base64, 'base64')));
    return { createdAt: b.manifest.createdAt, appVersion: b.manifest.app.version, pseudonymised: b.manifest.pseudonymised, result: b.result, diagnosis: b.diagnosis };
  };
  return {
    startCheck: (options) => runs.start(options),
    cancelCheck: (runId) => captures.cancel(runId) || runs.cancel(runId),
    startDemo: (scenario) => demo.start(scenario),
    listAccounts: async () => ({ accounts: await accounts.list(), canStorePasswords: accounts.canStorePasswords }),
    saveAccount: (a) => accounts.save(a),
    deleteAccount: (id) => accounts.remove(id),
    startSavedCheck: async (options, id) => runs.start(options.password !== undefined ? options : { ...options, password: (await accounts.passwordFor(id, options)) ?? undefined }),
    exportBundle: async (runId, pseudo) => {
      const result = runs.result(runId) ?? captures.result(runId);
      if (!result) throw new Error('that check is no longer available; run it again');
      const { bytes, replacements } = exportBundle(result, { pseudonymise: pseudo ?? undefined });
      const stamp = result.startedAt.replace(/[:.]/g, '-').slice(0, 19);
      return { fileName: `sipladder-${stamp}.sipladder`, base64: Buffer.from(bytes).toString('base64'), replacements };
    },
    openBundle: async (base64) => view(base64),
    importCapture: (source, name, totalBytes) => imported(source, name, totalBytes),
    captureMessages: async (importId, seqs) => captures.messages(importId, seqs),
    presentFile: async (base64, name) => {
      presented = { runId: '', type: 'bundle-opened', bundle: /\.sipladder$/i.test(name) ? view(base64) : await imported(new Uint8Array(Buffer.from(base64, 'base64')), name) };
      listeners.forEach((l) => l(presented!));
    },
    subscribe: (listener) => {
      listeners.add(listener);
      if (presented) listener(presented);
      return () => void listeners.delete(listener);
    },
    close: async () => {
      runs.cancelAll();
      captures.cancelAll();
      await demo.stop();
    },
  };
}
