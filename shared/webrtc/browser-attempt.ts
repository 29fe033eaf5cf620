// The page's own registration (sip.js over the browser's WebSocket/TLS, renderer/src/webrtc) as one
// more attempt of the run: an AttemptResult and trace events like the engine's, so the ladder, the
// JSON, the bundle and the rules treat it like any other attempt. Digest responses are masked here,
// before anything leaves the page's hands (README "Diagnostic bundles").
import * as v from 'valibot';
import { toBase64, utf8 } from '../hash/utf8.js';
import type { AttemptResult, BrowserAttemptInfo } from '../model/results.js';
import type { TraceEvent } from '../model/trace.js';
import { redactDigestResponse } from '../sip/digest.js';

export interface CapturedMessage {
  /** ms since the browser registration started. */
  t: number;
  direction: 'sent' | 'received';
  text: string;
}

export type BrowserOutcome = 'registered' | 'rejected' | 'auth-failed' | 'auth-skipped' | 'no-response' | 'reset' | 'aborted';

export interface BrowserRegistration {
  outcome: BrowserOutcome;
  status?: number;
  reason?: string;
  detail: string;
  connected: boolean;
  unregistered?: boolean;
  durationMs: number;
  messages: CapturedMessage[];
}

/** Bounds on what the page hands back (it is checked like any IPC argument): one registration is 4–8 messages. */
export const MAX_BROWSER_MESSAGES = 32;
export const MAX_BROWSER_MESSAGE_CHARS = 65_535;
const MAX_DETAIL_CHARS = 1_000;

export const BrowserRegistrationSchema = v.strictObject({
  outcome: v.picklist(['registered', 'rejected', 'auth-failed', 'auth-skipped', 'no-response', 'reset', 'aborted']),
  status: v.optional(v.pipe(v.number(), v.integer(), v.minValue(100), v.maxValue(699))),
  reason: v.optional(v.pipe(v.string(), v.maxLength(MAX_DETAIL_CHARS))),
  detail: v.pipe(v.string(), v.maxLength(MAX_DETAIL_CHARS)),
  connected: v.boolean(),
  unregistered: v.optional(v.boolean()),
  durationMs: v.pipe(v.number(), v.minValue(0)),
  messages: v.pipe(
    v.array(
      v.strictObject({
        t: v.pipe(v.number(), v.minValue(0)),
        direction: v.picklist(['sent', 'received']),
        text: v.pipe(v.string(), v.maxLength(MAX_BROWSER_MESSAGE_CHARS)),
      }),
    ),
    v.maxLength(MAX_BROWSER_MESSAGES),
  ),
});

export const BROWSER_ATTEMPT_LABEL = 'WebSocket from the browser (sip.js)';

export interface BrowserAttemptPlace {
  /** The attempt's id and the seq of its first trace event in the run. */
  id: number;
  firstSeq: number;
  /** Run time (ms) when the browser registration started. */
  startT: number;
  url: string;
  origin: string;
  originHandshakeStatus?: number;
}

/** ws(s)://host[:port]/path → transport, host (IPv6 without brackets) and port (default 80 / 443, RFC 6455 §3). */
export function webSocketTarget(url: string): { transport: 'ws' | 'wss'; host: string; port: number } {
  const m = /^(wss?):\/\/(\[[^\]]+\]|[^/:?#]+)(?::(\d+))?/i.exec(url);
  if (!m) throw new Error(`not a WebSocket URL: ${url}`);
  const transport = m[1]!.toLowerCase() === 'wss' ? 'wss' : 'ws';
  return { transport, host: m[2]!.replace(/^\[|\]$/g, ''), port: m[3] ? Number(m[3]) : transport === 'wss' ? 443 : 80 };
}

export function browserAttempt(reg: BrowserRegistration, at: BrowserAttemptPlace): { attempt: AttemptResult; trace: TraceEvent[] } {
  const { transport, host, port } = webSocketTarget(at.url);
  const remote = { address: host, port };
  // What the page knows of the connection, and what the main process learnt by repeating the handshake with the page's Origin.
  const notes = [reg.connected ? `the browser opened the WebSocket to ${at.url}` : `the browser could not open the WebSocket to ${at.url}`];
  if (at.originHandshakeStatus !== undefined) notes.push(`the same handshake with Origin ${at.origin}, made by the app: HTTP ${at.originHandshakeStatus}`);
  const socketEvents = notes.map((note, i): TraceEvent => ({ seq: at.firstSeq + i, t: at.startT, attempt: at.id, kind: 'socket', transport, remote, note }));
  const messageEvents = reg.messages.map((m, i): TraceEvent => {
    const bytes = utf8(redactDigestResponse(m.text));
    return {
      seq: at.firstSeq + notes.length + i,
      t: at.startT + m.t,
      attempt: at.id,
      kind: m.direction,
      transport,
      remote,
      bytes: toBase64(bytes),
      size: bytes.length,
    };
  });
  const trace = [...socketEvents, ...messageEvents];
  const browser: BrowserAttemptInfo = {
    origin: at.origin,
    connected: reg.connected,
    ...(at.originHandshakeStatus !== undefined ? { originHandshakeStatus: at.originHandshakeStatus } : {}),
  };
  const attempt: AttemptResult = {
    id: at.id,
    label: BROWSER_ATTEMPT_LABEL,
    transport,
    target: { host, address: host, port },
    sourcePortMode: 'ephemeral',
    rport: false,
    outcome: reg.outcome,
    detail: reg.detail,
    durationMs: Math.round(reg.durationMs),
    startedAt: at.startT,
    requestsSent: reg.messages.filter((m) => m.direction === 'sent' && !/^SIP\/2\.0 /.test(m.text)).length,
    retransmissions: 0,
    responsesFromElsewhere: [],
    traceSeqs: trace.map((e) => e.seq),
    browser,
    ...(reg.status !== undefined ? { status: reg.status } : {}),
    ...(reg.reason ? { reason: reg.reason } : {}),
    ...(reg.unregistered !== undefined ? { unregistered: reg.unregistered } : {}),
  };
  return { attempt, trace };
}
