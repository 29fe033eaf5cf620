// The one contract between the UI and the engine, whichever carries it: Electron IPC (main,
// preload, renderer) or the browser mode's HTTP API. Every argument crossing a process boundary
// is validated here, on the receiving side.
import { validateCheckOptions, type CheckOptions } from '../model/check-options.js';
import type { ProgressEvent } from '../model/progress.js';
import type { CheckResult } from '../model/results.js';
import type { Diagnosis } from '../diagnosis/types.js';
import type { PseudonymOptions, Replacement } from '../bundle/redact.js';
import type { CaptureProgress } from '../capture/import.js';
import type { DialogFacts } from '../capture/dialogs.js';
import { isValidHost } from '../model/check-options.js';
import { TRANSPORTS, type Transport } from '../model/trace.js';

export const CHANNELS = {
  startCheck: 'sipladder:start-check',
  cancelCheck: 'sipladder:cancel-check',
  startDemo: 'sipladder:start-demo',
  runEvent: 'sipladder:run-event',
  /** A window asks for run events (bundles opened from the OS, menu actions, runs), whether or not it ran anything. */
  subscribeEvents: 'sipladder:subscribe-events',
  listAccounts: 'sipladder:list-accounts',
  saveAccount: 'sipladder:save-account',
  deleteAccount: 'sipladder:delete-account',
  exportBundle: 'sipladder:export-bundle',
  openBundle: 'sipladder:open-bundle',
  importCapture: 'sipladder:import-capture',
  captureMessages: 'sipladder:capture-messages',
} as const;

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
}

/** Messages of an imported capture fetched per request (`captureMessages`): the import's view carries its trace without bytes. */
export const MAX_CAPTURE_MESSAGES_PER_REQUEST = 4000;

/** One message's bytes (base64) by trace seq. */
export interface CaptureMessage {
  seq: number;
  bytes: string;
}

/** Largest bundle the app opens (base64 text is 4/3 of it). */
export const MAX_BUNDLE_BASE64 = Math.ceil((64 * 1024 * 1024 * 4) / 3);

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

export type AccountInput = Omit<SavedAccount, 'id' | 'hasPassword'> & { id?: string; password?: string };

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

/** The API the preload exposes on `window.sipladder`, and the browser mode mirrors over HTTP. */
export interface SipLadderApi {
  /**
   * Starts a check. For a saved account, its id: the main process fills in the password kept in the
   * keychain (when none is typed), so the page never holds a decrypted password.
   */
  startCheck(options: CheckOptions, savedAccountId?: string): Promise<{ runId: string }>;
  cancelCheck(runId: string): Promise<void>;
  startDemo(scenario: DemoScenario): Promise<DemoInfo>;
  onRunEvent(listener: (e: RunEvent) => void): () => void;
  listAccounts(): Promise<{ accounts: SavedAccount[]; canStorePasswords: boolean }>;
  saveAccount(account: AccountInput): Promise<SavedAccount>;
  deleteAccount(id: string): Promise<void>;
  exportBundle(runId: string, pseudonymise: PseudonymOptions | null): Promise<ExportedBundle>;
  openBundle(base64: string): Promise<OpenedBundleView>;
  /**
   * A pcap, pcapng or ngrep text capture, shown like a bundle; progress comes as 'capture-progress'
   * run events. The file itself, not base64: a 40 MB file as base64 in JSON froze the page for
   * 1.3 s, and even its bytes in one fetch body for 1.6 s; a File is streamed from disk.
   */
  importCapture(file: Blob, name: string): Promise<OpenedBundleView>;
  /** The bytes of messages of an imported capture (its view's trace has none, to reach the page fast), by trace seq. */
  captureMessages(importId: string, seqs: number[]): Promise<CaptureMessage[]>;
}

export type DemoScenario = 'healthy' | 'blocked-5060';

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

export function checkStartCheck(arg: unknown): Checked<CheckOptions> {
  const v = validateCheckOptions(arg);
  return v.ok ? v : { ok: false, error: v.errors.join('; ') };
}

export function checkRunId(arg: unknown): Checked<string> {
  return typeof arg === 'string' && /^[0-9a-f]{16}$/.test(arg) ? { ok: true, value: arg } : { ok: false, error: 'runId must be 16 hex digits' };
}

export function checkDemoScenario(arg: unknown): Checked<DemoScenario> {
  return arg === 'healthy' || arg === 'blocked-5060' ? { ok: true, value: arg } : { ok: false, error: 'scenario must be "healthy" or "blocked-5060"' };
}

export function checkAccountId(arg: unknown): Checked<string> {
  return typeof arg === 'string' && /^[0-9a-f]{12}$/.test(arg) ? { ok: true, value: arg } : { ok: false, error: 'account id must be 12 hex digits' };
}

const text = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max && !/[\u0000-\u001f\u007f]/.test(v);

export function checkAccountInput(arg: unknown): Checked<AccountInput> {
  if (typeof arg !== 'object' || arg === null) return { ok: false, error: 'account must be an object' };
  const a = arg as Record<string, unknown>;
  if (!text(a.name, 80) || !a.name.trim()) return { ok: false, error: 'name is required (at most 80 characters)' };
  if (!text(a.server, 253) || !isValidHost(a.server)) return { ok: false, error: 'server must be a valid host name or IP address' };
  if (!text(a.user, 128) || !a.user) return { ok: false, error: 'user is required' };
  for (const k of ['authUser', 'domain'] as const) if (a[k] !== undefined && !text(a[k], 253)) return { ok: false, error: `${k} must be text` };
  if (a.port !== undefined && !(Number.isInteger(a.port) && (a.port as number) >= 1 && (a.port as number) <= 65535)) return { ok: false, error: 'port must be 1-65535' };
  if (!Array.isArray(a.transports) || !a.transports.length || !a.transports.every((t) => TRANSPORTS.includes(t as Transport))) return { ok: false, error: 'transports must list udp, tcp, tls, ws or wss' };
  if (a.password !== undefined && !(typeof a.password === 'string' && a.password.length <= 1024)) return { ok: false, error: 'password must be text' };
  if (a.id !== undefined && !checkAccountId(a.id).ok) return { ok: false, error: 'account id must be 12 hex digits' };
  return {
    ok: true,
    value: {
      id: a.id as string | undefined, name: a.name.trim(), server: a.server, port: a.port as number | undefined, user: a.user,
      authUser: (a.authUser as string | undefined) || undefined, domain: (a.domain as string | undefined) || undefined,
      transports: a.transports as Transport[], password: a.password as string | undefined,
    },
  };
}

export function checkExportRequest(arg: unknown): Checked<{ runId: string; pseudonymise: PseudonymOptions | null }> {
  const a = arg as { runId?: unknown; pseudonymise?: unknown } | null;
  const id = checkRunId(a?.runId);
  if (!id.ok) return id;
  const p = a?.pseudonymise as Record<string, unknown> | null | undefined;
  if (p === null || p === undefined) return { ok: true, value: { runId: id.value, pseudonymise: null } };
  if (typeof p !== 'object' || !['users', 'domains', 'addresses'].every((k) => typeof p[k] === 'boolean')) return { ok: false, error: 'pseudonymise must be {users, domains, addresses} booleans' };
  return { ok: true, value: { runId: id.value, pseudonymise: { users: p.users as boolean, domains: p.domains as boolean, addresses: p.addresses as boolean } } };
}

export function checkBundleBase64(arg: unknown): Checked<string> {
  if (typeof arg !== 'string' || arg.length > MAX_BUNDLE_BASE64 || !/^[A-Za-z0-9+/]*={0,2}$/.test(arg)) return { ok: false, error: 'bundle must be base64 text of at most 64 MB' };
  return { ok: true, value: arg };
}

/** Largest capture the app imports (the CLI streams larger files from disk). */
export const MAX_CAPTURE_BYTES = 64 * 1024 * 1024;

export function checkCaptureBytes(arg: unknown): Checked<Uint8Array> {
  return arg instanceof Uint8Array && arg.length <= MAX_CAPTURE_BYTES ? { ok: true, value: arg } : { ok: false, error: 'capture must be bytes, at most 64 MB' };
}

export function checkCaptureName(arg: unknown): Checked<string> {
  return typeof arg === 'string' && arg.length <= 255 && !/[\u0000-\u001f/\\]/.test(arg) ? { ok: true, value: arg } : { ok: false, error: 'name must be a file name' };
}

export function checkCaptureMessages(arg: unknown): Checked<{ importId: string; seqs: number[] }> {
  const a = arg as { importId?: unknown; seqs?: unknown } | null;
  const id = checkRunId(a?.importId);
  if (!id.ok) return id;
  const seqs = a?.seqs;
  if (!Array.isArray(seqs) || seqs.length > MAX_CAPTURE_MESSAGES_PER_REQUEST || !seqs.every((s) => Number.isInteger(s) && s >= 1)) {
    return { ok: false, error: `seqs must be at most ${MAX_CAPTURE_MESSAGES_PER_REQUEST} positive integers` };
  }
  return { ok: true, value: { importId: id.value, seqs: seqs as number[] } };
}
