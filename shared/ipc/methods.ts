// THE ONE TABLE of what the UI may ask the backend, and the event streams it listens to.
// Electron IPC (preload + ipcMain handlers with sender-frame checks), the browser mode's HTTP/SSE
// routes and the renderer's client are all derived from it (see define.ts); none is written by hand.
//
// To add a method:
//   1. Add an entry below: `name: call({ args: v.strictTuple([...schemas of its arguments]), response: returns<Answer>() })`.
//      Arguments are positional and checked on the receiving side with these schemas (put new
//      schemas in schemas.ts, messages that name the argument). Optional: `failure: 'not-found' |
//      'busy'` (HTTP status of a throw; default 422), `maxBodyBytes` (HTTP body over 64 KiB).
//      A file argument: `upload({ args, response, maxBytes })`; the page passes a Blob first.
//   2. Implement it in electron/app/backend.ts under the same name: it receives the parsed
//      arguments (the schemas' output types) and returns the answer or throws an Error whose
//      message the user may read. TypeScript checks the implementation against this entry.
//   The page then calls `api.name(...)` (renderer/src/api.ts); nothing else changes.
// To add an event stream: an entry in EVENTS (`name: stream<Event>()`); the backend's `subscribe`
// serves it, and the page listens with `api.onName(listener)`.
import * as v from 'valibot';
import { CheckOptionsSchema } from '../model/check-options.js';
import { AuditOptionsSchema } from '../audit/options.js';
import { MAX_RING_WAIT_S, type RingEvent } from '../model/ring.js';
import type { CaptureMessage, DemoInfo, ExportedBundle, OpenedBundleView, RunEvent, SavedAccount } from './contract.js';
import { call, returns, stream, upload, type ClientApi, type Implementation } from './define.js';
import { HistoryIdSchema, HistoryQuerySchema, WatchIdSchema, WatchSettingsSchema } from '../history/schemas.js';
import type { ComparedRuns, HistoryEntrySummary, WatchEvent } from '../history/types.js';
import {
  AccountIdSchema,
  AccountInputSchema,
  BundleBase64Schema,
  DemoScenarioSchema,
  FileNameSchema,
  MAX_BUNDLE_BASE64,
  MAX_CAPTURE_BYTES,
  PseudonymiseSchema,
  RunIdSchema,
  SeqsSchema,
} from './schemas.js';
import { BrowserRegistrationSchema } from '../webrtc/browser-attempt.js';
import { AuthVerdictSchema, MAX_BROWSER_REGISTRATION_BYTES, PageOriginSchema, WebSocketUrlSchema } from '../webrtc/schemas.js';
import type { CheckResult } from '../model/results.js';
import type { Diagnosis } from '../diagnosis/types.js';

export const METHODS = {
  /** A check; for a saved account, its id: the main process fills in the keychain password (when none is typed), so the page never holds it. */
  startCheck: call({ args: v.strictTuple([CheckOptionsSchema, v.optional(AccountIdSchema)]), response: returns<{ runId: string }>(), failure: 'busy' }),
  /** An exposure audit of the user's own server (issue 13): runs like a check (run events, cancelCheck, exportBundle); refused without confirmedOperator. */
  startAudit: call({ args: v.strictTuple([AuditOptionsSchema]), response: returns<{ runId: string }>(), failure: 'busy' }),
  /** Cancels a run or a capture import; whether one was running. */
  cancelCheck: call({ args: v.strictTuple([RunIdSchema]), response: returns<boolean>() }),
  startDemo: call({ args: v.strictTuple([DemoScenarioSchema]), response: returns<DemoInfo>() }),
  listAccounts: call({ args: v.strictTuple([]), response: returns<{ accounts: SavedAccount[]; canStorePasswords: boolean }>() }),
  saveAccount: call({ args: v.strictTuple([AccountInputSchema]), response: returns<SavedAccount>() }),
  deleteAccount: call({ args: v.strictTuple([AccountIdSchema]), response: returns<void>() }),
  /** A finished run (or imported capture) as a .sipladder file, optionally pseudonymised. */
  exportBundle: call({ args: v.strictTuple([RunIdSchema, PseudonymiseSchema]), response: returns<ExportedBundle>() }),
  openBundle: call({ args: v.strictTuple([BundleBase64Schema]), response: returns<OpenedBundleView>(), maxBodyBytes: MAX_BUNDLE_BASE64 + 1024 }),
  /**
   * A pcap, pcapng or ngrep text capture (the file and its name), shown like a bundle; progress
   * comes as 'capture-progress' run events. A file, not base64: a 40 MB file as base64 in JSON
   * froze the page for 1.3 s, and even its bytes in one fetch body for 1.6 s.
   */
  importCapture: upload({ args: v.strictTuple([FileNameSchema]), response: returns<OpenedBundleView>(), maxBytes: MAX_CAPTURE_BYTES }),
  /** A ring test: register, wait up to the seconds given for a call to the account (answered busy, never accepted), unregister; events as 'ringEvent'. */
  startRing: call({
    args: v.strictTuple([CheckOptionsSchema, v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_RING_WAIT_S))]),
    response: returns<{ runId: string }>(),
    failure: 'busy',
  }),
  /** Cancels a ring test (its registration is still removed); whether one was running. */
  cancelRing: call({ args: v.strictTuple([RunIdSchema]), response: returns<boolean>() }),
  /** The bytes of messages of an imported capture (its view's trace has none, to reach the page fast), by trace seq. */
  captureMessages: call({ args: v.strictTuple([RunIdSchema, SeqsSchema]), response: returns<CaptureMessage[]>(), failure: 'not-found' }),
  /** Runs kept in the local history (checks, opened bundles, imported captures, watch runs), newest first. */
  historyList: call({ args: v.strictTuple([HistoryQuerySchema]), response: returns<HistoryEntrySummary[]>() }),
  /** A stored run, shown like an opened bundle (findings recomputed). */
  historyOpen: call({ args: v.strictTuple([HistoryIdSchema]), response: returns<OpenedBundleView>(), failure: 'not-found' }),
  historyExport: call({ args: v.strictTuple([HistoryIdSchema, PseudonymiseSchema]), response: returns<ExportedBundle>(), failure: 'not-found' }),
  /** Two stored runs side by side (the first is the earlier or reference run). */
  historyCompare: call({ args: v.strictTuple([HistoryIdSchema, HistoryIdSchema]), response: returns<ComparedRuns>(), failure: 'not-found' }),
  /** "Keep checking": the check again every interval; its runs come as watch events and go to the history. A saved account's password as for startCheck. */
  startWatch: call({
    args: v.strictTuple([CheckOptionsSchema, WatchSettingsSchema, v.optional(AccountIdSchema)]),
    response: returns<{ watchId: string }>(),
    failure: 'busy',
  }),
  stopWatch: call({ args: v.strictTuple([WatchIdSchema]), response: returns<boolean>() }),
  /** The page's sip.js registration after a check (issue 13, renderer/src/webrtc): one credentialed request of the run's failed-authentication budget; false when spent. */
  webrtcGrant: call({ args: v.strictTuple([RunIdSchema]), response: returns<boolean>(), failure: 'not-found' }),
  /** How the server took the granted request (sent and not accepted counts as a failed authentication). */
  webrtcSettle: call({ args: v.strictTuple([RunIdSchema, AuthVerdictSchema]), response: returns<void>(), failure: 'not-found' }),
  /** The page's registration joins the run as one more attempt (url: one the run tried; origin: the page's); the run's new results. */
  webrtcAttach: call({
    args: v.strictTuple([RunIdSchema, BrowserRegistrationSchema, WebSocketUrlSchema, PageOriginSchema]),
    response: returns<{ result: CheckResult; diagnosis: Diagnosis }>(),
    failure: 'not-found',
    maxBodyBytes: MAX_BROWSER_REGISTRATION_BYTES,
  }),
};

export const EVENTS = {
  /** Runs' progress and results, capture import progress, and bundles opened outside the page (every window gets them). */
  runEvent: stream<RunEvent>(),
  /** "Keep checking": started, each run (snapshot, change events, history id), ended. */
  watchEvent: stream<WatchEvent>(),
  /** Ring tests' progress and results. */
  ringEvent: stream<RingEvent>(),
};

/** The API the page uses (`window.sipladder` in Electron, HTTP in the browser mode). */
export type SipLadderApi = ClientApi<typeof METHODS, typeof EVENTS>;

/** What electron/app/backend.ts implements. */
export type BackendMethods = Implementation<typeof METHODS, typeof EVENTS>;

export type StreamName = keyof typeof EVENTS;
