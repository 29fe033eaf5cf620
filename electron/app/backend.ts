// The backend both shells serve (Electron IPC and browser-mode HTTP): the methods of the table
// (shared/ipc/methods.ts) under the same names, runs, cancellation, the demo registrar, saved
// accounts, bundles and captures, and a fan-out of run events to every listening window.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { MAX_HISTORY_IMPORT_EVENTS } from '../../shared/history/types.js';
import type { ExportedBundle, OpenedBundleView, RunEvent } from '../../shared/ipc/contract.js';
import type { CheckResult } from '../../shared/model/results.js';
import type { PseudonymOptions } from '../../shared/bundle/redact.js';
import { BUNDLE_EXTENSION } from '../../shared/bundle/schema.js';
import type { RingEvent } from '../../shared/model/ring.js';
import type { BackendMethods } from '../../shared/ipc/methods.js';
import { AccountStore, type SecretBox } from './accounts.js';
import { exportBundle, openBundle } from '../bundle/bundle.js';
import { CaptureImports } from '../capture/imports.js';
import { Demo } from '../demo/demo.js';
import { defaultDeps } from '../engine/deps.js';
import { RingRuns } from './ring-runs.js';
import { RunManager } from './runs.js';
import { runAudit } from '../audit/audit.js';
import { AppHistory, historyMethods } from '../history/app-history.js';
import { HistoryStore } from '../history/store.js';
import type { WatchEvent } from '../../shared/history/types.js';
import type { CheckOptions } from '../../shared/model/check-options.js';
import { webrtcMethods, webrtcPageCspFor } from '../webrtc/backend-methods.js';

/** Where browser mode keeps saved accounts (never with passwords: it has no keychain). */
export function defaultAccountsFile(): string {
  return join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'sipladder', 'accounts.json');
}

export interface Backend extends BackendMethods {
  /** Shows a bundle (.sipladder) or a capture in every window, now and when one connects later. */
  presentFile(base64: string, name: string): Promise<void>;
  /** The browser registration page's CSP for a finished run (electron/webrtc), or null: the page is then not served. */
  webrtcPageCsp(runId: string | null): string | null;
  close(): Promise<void>;
}

/**
 * Where the backend keeps its state. Always given: only the app's entry points (Electron main,
 * `sipladder start`) pass the user's own files, so a test can never write to the user's home.
 */
export interface BackendFiles {
  accountsFile: string;
  historyFile: string;
  secretBox?: SecretBox | null;
}

/** The listeners of one event stream; add() returns the unsubscribe. */
function fanout<E>(): { emit: (e: E) => void; add: (listener: (e: E) => void) => () => void } {
  const listeners = new Set<(e: E) => void>();
  return {
    emit: (e) => listeners.forEach((l) => l(e)),
    add: (listener) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}

function view(base64: string): OpenedBundleView {
  const b = openBundle(new Uint8Array(Buffer.from(base64, 'base64')));
  return {
    createdAt: b.manifest.createdAt,
    appVersion: b.manifest.app.version,
    pseudonymised: b.manifest.pseudonymised,
    result: b.result,
    diagnosis: b.diagnosis,
  };
}

function exportedBundle(result: CheckResult, pseudonymise: PseudonymOptions | undefined): ExportedBundle {
  const { bytes, replacements } = exportBundle(result, { pseudonymise });
  const stamp = result.startedAt.replace(/[:.]/g, '-').slice(0, 19);
  return { fileName: `sipladder-${stamp}${BUNDLE_EXTENSION}`, base64: Buffer.from(bytes).toString('base64'), replacements };
}

export function createBackend(o: BackendFiles): Backend {
  let presented: RunEvent | null = null;
  const accounts = new AccountStore(o.accountsFile, o.secretBox ?? null);
  const runEvents = fanout<RunEvent>();
  const watchEvents = fanout<WatchEvent>();
  const ringEvents = fanout<RingEvent>();
  const history = new AppHistory(new HistoryStore(o.historyFile), defaultDeps, watchEvents.emit);
  const emit = (e: RunEvent): void => {
    if (e.type === 'done') void history.record('check', e.result, { verdict: e.diagnosis.verdict });
    runEvents.emit(e);
  };
  const captures = new CaptureImports(emit);
  // Opened bundles and imported captures go to the history too (record() never fails the caller).
  // Recorded on a later turn: serialising a large import takes hundreds of ms, and the view goes to the window first.
  // An import is kept with its message bytes (the page's copy has none), or its ladders would be empty when reopened.
  const kept = (v: OpenedBundleView, bundleBytes?: number): OpenedBundleView => {
    const result = v.importId === undefined ? v.result : captures.result(v.importId);
    if (result && (v.importId === undefined || result.trace.length <= MAX_HISTORY_IMPORT_EVENTS))
      setImmediate(() => void history.record(v.importId === undefined ? 'bundle' : 'import', result, { verdict: v.diagnosis.verdict, bundleBytes }));
    return v;
  };
  // A saved account's keychain password is filled in here, unless one was typed (Electron only: browser mode stores none).
  const withSavedPassword = async (options: CheckOptions, accountId: string | undefined): Promise<CheckOptions> =>
    accountId === undefined || options.password !== undefined
      ? options
      : { ...options, password: (await accounts.passwordFor(accountId, options)) ?? undefined };
  const runs = new RunManager(defaultDeps, emit);
  const rings = new RingRuns(defaultDeps, ringEvents.emit);
  const demo = new Demo();
  return {
    startCheck: async (options, accountId) => ({ runId: runs.start(await withSavedPassword(options, accountId)) }),
    startAudit: async (options) => ({ runId: runs.launch((deps, hooks) => runAudit(options, deps, hooks)) }),
    cancelCheck: (runId) => captures.cancel(runId) || runs.cancel(runId),
    startDemo: (scenario) => demo.start(scenario),
    listAccounts: async () => ({ accounts: await accounts.list(), canStorePasswords: accounts.canStorePasswords }),
    saveAccount: (a) => accounts.save(a),
    deleteAccount: (id) => accounts.remove(id),
    exportBundle: async (runId, pseudo) => {
      const result = runs.result(runId) ?? captures.result(runId);
      if (!result) throw new Error('that check is no longer available; run it again');
      return exportedBundle(result, pseudo ?? undefined);
    },
    openBundle: async (base64) => kept(view(base64), Math.floor((base64.length * 3) / 4)),
    importCapture: async (file, name) => kept(await captures.run(file.bytes, name, file.declaredBytes)),
    captureMessages: async (importId, seqs) => captures.messages(importId, seqs),
    presentFile: async (base64, name) => {
      presented = {
        runId: '',
        type: 'bundle-opened',
        bundle: name.toLowerCase().endsWith(BUNDLE_EXTENSION) ? view(base64) : await captures.run(new Uint8Array(Buffer.from(base64, 'base64')), name),
      };
      emit(presented);
    },
    ...historyMethods(history, withSavedPassword),
    startRing: (options, waitS) => ({ runId: rings.start(options, waitS) }),
    cancelRing: (runId) => rings.cancel(runId),
    ...webrtcMethods(runs),
    webrtcPageCsp: (runId) => webrtcPageCspFor(runs, runId),
    subscribe: (stream, listener) => {
      if (stream === 'watchEvent') return watchEvents.add(listener);
      if (stream === 'ringEvent') return ringEvents.add(listener);
      const unsubscribe = runEvents.add(listener);
      if (presented) listener(presented);
      return unsubscribe;
    },
    close: async () => {
      runs.cancelAll();
      rings.cancelAll();
      history.stopAll();
      captures.cancelAll();
      await demo.stop();
    },
  };
}
