// The data the UI and the backend exchange (answers and events). The methods themselves are in
// one table, methods.ts; the schemas of their arguments in schemas.ts.
import type { ProgressEvent } from '../model/progress.js';
import type { CheckResult } from '../model/results.js';
import type { Diagnosis } from '../diagnosis/types.js';
import type { Replacement } from '../bundle/redact.js';
import type { CaptureProgress } from '../capture/import.js';
import type { DialogFacts } from '../capture/dialogs.js';
import type { Transport } from '../model/trace.js';

export { captureTooLarge, MAX_CAPTURE_BYTES, MAX_CAPTURE_MESSAGES_PER_REQUEST, type AccountInput, type DemoScenario } from './schemas.js';
export type { SipLadderApi } from './methods.js';

export interface ExportedBundle {
  fileName: string;
  /** The .sipladder file, base64. */
  base64: string;
  /** What pseudonymisation replaced: the preview shown before saving. */
  replacements: Replacement[];
}

export interface OpenedBundleView {
  createdAt: string;
  appVersion: string;
  pseudonymised: boolean;
  result: CheckResult;
  diagnosis: Diagnosis;
  /** An imported capture: the id to save it as a bundle with `exportBundle(importId, …)`. */
  importId?: string;
  /** An imported capture: its dialog facts, so the page need not decode every message again to list them. */
  dialogs?: DialogFacts[];
  /** A run reopened from the history: its row, to save it as a bundle with `historyExport(historyId, …)`. */
  historyId?: number;
}

/** One message's bytes (base64) by trace seq. */
export interface CaptureMessage {
  seq: number;
  bytes: string;
}

/** A saved account: everything but the password, which only the OS keychain may hold. */
export interface SavedAccount {
  id: string;
  name: string;
  server: string;
  port?: number;
  user: string;
  authUser?: string;
  domain?: string;
  transports: Transport[];
  /** Whether an encrypted password is stored (Electron safeStorage only). */
  hasPassword: boolean;
}

export type RunEvent =
  | { runId: string; type: 'progress'; event: ProgressEvent }
  | { runId: string; type: 'done'; result: CheckResult; diagnosis: Diagnosis }
  | { runId: string; type: 'failed'; message: string }
  /** A bundle opened outside the page (file association, `sipladder open FILE --browser`). */
  | { runId: ''; type: 'bundle-opened'; bundle: OpenedBundleView }
  /** A capture being imported (runId: the import's id; `cancelCheck(runId)` cancels it). */
  | { runId: string; type: 'capture-progress'; progress: CaptureProgress };

/** What the demo mode starts: a local registrar the UI can check. */
export interface DemoInfo {
  server: string;
  ports: { udp: number; tcp: number };
  user: string;
  password: string;
  /** Local port standing in for 5060 in the demo's "ISP drops port 5060" scenario. */
  blockedSourcePort: number;
}
