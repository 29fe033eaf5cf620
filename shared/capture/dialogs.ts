// Dialog facts of an imported capture, one per exchange (Call-ID): what kind it is, who the client
// and server are, user and user agent, the final answer, ACK and re-INVITEs, and the SDP offer and
// answer in short (RFC 4566: c=, m=, a=rtpmap, direction). Computed from the results' trace, so the
// same facts come out of a fresh import, a bundle, the CLI and the app; cached per result.
import type { AttemptResult, CheckResult } from '../model/results.js';
import type { Endpoint, TraceEvent } from '../model/trace.js';
import { rawBytesOf } from './lazy-bytes.js';
import { brief, bytesText, fromUserOf, textAt, type Brief } from './brief.js';
import { Interner } from './interner.js';

export interface SdpSummary {
  address: string;
  port: number;
  codecs: string[];
  direction: 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';
  /** Trace seq of the message that carried it. */
  seq: number;
}

export type DialogKind = 'registration' | 'call' | 'keepalive' | 'other';

export interface DialogFacts {
  attempt: number;
  kind: DialogKind;
  method: string;
  callId: string;
  client: Endpoint;
  server: Endpoint;
  /** From user of the first request ('' when none). */
  user: string;
  /** User-Agent of the client's first request, else the Server of the answers ('' when none). */
  agent: string;
  status?: number;
  failed: boolean;
  messages: number;
  /** Calls: 2xx answers to the INVITE (retransmissions included), and whether an ACK followed one. */
  invite2xx: number;
  acked: boolean;
  /** INVITEs with a higher CSeq than the first (RFC 3261 §14). */
  reinvites: number;
  offer?: SdpSummary;
  answer?: SdpSummary;
  /** Seqs: the first request, and the final answer of the main transaction (when there is one). */
  firstSeq: number;
  finalSeq?: number;
}

const KINDS: Record<string, DialogKind> = { REGISTER: 'registration', INVITE: 'call', OPTIONS: 'keepalive' };
const DIRECTIONS = new Set(['sendrecv', 'sendonly', 'recvonly', 'inactive']);
/** Outcomes that count as working in a capture. */
const WORKING = new Set(['registered', 'answered']);
/** SDP lines read (an SDP body of a call is small; longer ones are cut here). */
const SDP_MAX_BYTES = 8192;

/**
 * Whether an exchange failed. A keep-alive is there to show that the other side is reachable, so
 * any final answer (a 401 or 405 to an OPTIONS too, RFC 3261 §11.2) is a success; only silence
 * fails it. An answer the caller never confirmed is a call that drops after Timer H (RFC 3261 §13.3.1.4).
 */
function failedExchange(kind: DialogKind, outcome: AttemptResult['outcome'], unacked2xx: boolean): boolean {
  if (kind === 'keepalive') return outcome === 'no-response';
  return !WORKING.has(outcome) || unacked2xx;
}

/** A dialog's answer in a few words: the final status, and why an answered call still failed (RFC 3261 §13.3.1.4: no ACK). */
export function answerText(d: Pick<DialogFacts, 'status' | 'invite2xx' | 'acked'>): string {
  if (d.status === undefined) return 'no answer';
  return d.invite2xx > 0 && !d.acked ? `${d.status}, no ACK` : String(d.status);
}

/** Whether bytes[at…] starts with `prefix` (ASCII). */
function startsWith(bytes: Uint8Array, at: number, end: number, prefix: Uint8Array): boolean {
  if (end - at < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[at + i] !== prefix[i]) return false;
  return true;
}
const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const [CONNECTION, AUDIO, RTPMAP, ATTRIBUTE] = ['c=IN ', 'm=audio ', 'a=rtpmap:', 'a='].map(ascii) as [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
const isBlank = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13;

/**
 * The audio offer or answer of an SDP body in bytes[from, to) (RFC 4566 §5.7 c=, §5.14 m=, §6
 * a=rtpmap and the direction attributes): the first c= address, the first m=audio port and payload
 * types, named by a=rtpmap or the static table. Only the lines it reads are decoded (a call's SDP is
 * mostly o=, t=, a=fmtp and such).
 */
export function sdpSummary(bytes: Uint8Array, from: number, to: number, seq: number): SdpSummary | undefined {
  while (from < to && isBlank(bytes[from]!)) from++;
  while (to > from && isBlank(bytes[to - 1]!)) to--;
  let address = '',
    port = -1,
    direction: SdpSummary['direction'] = 'sendrecv';
  const names = new Map<string, string>();
  let payloads: string[] = [];
  for (let at = from; at < to;) {
    let eol = bytes.indexOf(10, at);
    if (eol < 0 || eol > to) eol = to;
    const end = eol > at && bytes[eol - 1] === 13 && eol < to ? eol - 1 : eol; // lines end in CRLF or LF
    if (startsWith(bytes, at, end, CONNECTION)) address ||= bytesText(bytes, at, end).split(' ')[2] ?? '';
    else if (port < 0 && startsWith(bytes, at, end, AUDIO)) {
      const parts = bytesText(bytes, at, end).split(' ');
      port = Number(parts[1]);
      payloads = parts.slice(3);
    } else if (startsWith(bytes, at, end, RTPMAP)) {
      const m = /^a=rtpmap:(\d+) ([^/\s]+)/.exec(bytesText(bytes, at, end));
      if (m) names.set(m[1]!, m[2]!);
    } else if (startsWith(bytes, at, end, ATTRIBUTE) && end - at <= 10) {
      const value = bytesText(bytes, at + 2, end);
      if (DIRECTIONS.has(value)) direction = value as SdpSummary['direction'];
    }
    at = eol + 1;
  }
  if (port < 0) return undefined;
  return { address, port, codecs: payloads.map((p) => names.get(p) ?? STATIC_PAYLOADS[p] ?? p), direction, seq };
}

/** RTP/AVP static payload types (RFC 3551 §6) used without a=rtpmap. */
const STATIC_PAYLOADS: Record<string, string> = { 0: 'PCMU', 3: 'GSM', 4: 'G723', 8: 'PCMA', 9: 'G722', 18: 'G729' };

/** Keyed by the trace array, which copies of the results (settled, pseudonymised views) share. */
const cache = new WeakMap<TraceEvent[], DialogFacts[]>();

/** Facts of every exchange of a capture's results (empty for a check's results). */
export function dialogFacts(result: CheckResult): DialogFacts[] {
  if (result.origin !== 'capture') return [];
  let facts = cache.get(result.trace);
  if (!facts) {
    const bySeq = result.trace.every((e, i) => e.seq === i + 1) ? null : new Map(result.trace.map((e) => [e.seq, e]));
    const eventOf = (seq: number): TraceEvent | undefined => (bySeq ? bySeq.get(seq) : result.trace[seq - 1]);
    const intern = new Interner();
    facts = result.attempts.map((a) => factsOf(a, eventOf, intern));
    cache.set(result.trace, facts);
  }
  return facts;
}

/** Facts the import built while it grouped (the same builder over the same messages): no second pass. */
export function rememberDialogFacts(result: CheckResult, facts: DialogFacts[]): void {
  cache.set(result.trace, facts);
}

function factsOf(a: AttemptResult, eventOf: (seq: number) => TraceEvent | undefined, intern: Interner): DialogFacts {
  const d = new DialogBuilder(intern);
  a.traceSeqs.forEach((seq, position) => {
    const e = eventOf(seq);
    if (!e || (e.kind !== 'sent' && e.kind !== 'received')) return;
    const bytes = rawBytesOf(e);
    const b = brief(bytes);
    if (b) d.add(b, bytes, position);
  });
  return d.facts(a);
}

/**
 * Facts of one dialog, fed its messages in time order: by the import as it groups them, or from
 * a trace. Messages are named by position in the dialog until `facts` maps them to trace seqs.
 */
export class DialogBuilder {
  private method = '';
  private kind: DialogKind = 'other';
  private callId = '';
  private user = '';
  private agent = '';
  private serverAgent = '';
  private messages = 0;
  private invite2xx = 0;
  private acked = false;
  private reinvites = 0;
  private firstInviteCseq: number | undefined;
  private first = 0;
  private final: number | undefined;
  private offer: SdpSummary | undefined;
  private answer: SdpSummary | undefined;

  /** `intern` is shared by the builders of one capture: their texts repeat. */
  constructor(private readonly intern = new Interner()) {}

  add(b: Brief, bytes: Uint8Array, position: number): void {
    this.messages++;
    if (b.request && !this.method) {
      this.method = b.method;
      this.kind = KINDS[b.method] ?? 'other';
      this.callId = b.callId ?? '';
      this.first = position;
      if (b.fromAt) this.user = this.intern.text(fromUserOf(bytes, b.fromAt));
      if (b.agentAt) this.agent = this.intern.text(textAt(bytes, b.agentAt));
    }
    if (!b.request && b.agentAt && !this.serverAgent) this.serverAgent = this.intern.text(textAt(bytes, b.agentAt));
    if (b.method === 'INVITE') this.invite(b, bytes, position);
    else if (b.request && b.method === 'ACK' && this.invite2xx > 0) this.acked = true;
    if (!b.request && b.status >= 200 && b.method === this.method) this.final = position;
  }

  /** An INVITE or an answer to one: re-INVITEs, 2xx count, SDP offer and answer. */
  private invite(b: Brief, bytes: Uint8Array, position: number): void {
    if (b.request) {
      if (this.firstInviteCseq !== undefined && b.cseq !== undefined && b.cseq > this.firstInviteCseq) this.reinvites++;
      this.firstInviteCseq ??= b.cseq;
    } else if (b.status >= 200 && b.status < 300) this.invite2xx++;
    const wanted = b.request ? !this.offer : b.status >= 200 && b.status < 300 && !this.answer;
    if (b.sdpAt === undefined || !wanted) return;
    const sdp = sdpSummary(bytes, b.sdpAt, Math.min(bytes.length, b.sdpAt + SDP_MAX_BYTES), position);
    if (sdp) {
      sdp.address = this.intern.text(sdp.address);
      sdp.codecs = this.intern.list(sdp.codecs);
    }
    if (b.request) this.offer = sdp;
    else this.answer = sdp;
  }

  /** The first request's user and user agent (else the server's), as far as the messages so far tell. */
  get who(): { user: string; agent: string } {
    return { user: this.user, agent: this.agent || this.serverAgent };
  }

  facts(a: AttemptResult): DialogFacts {
    const seq = (position: number): number => a.traceSeqs[position] ?? 0;
    const atSeq = (s?: SdpSummary): SdpSummary | undefined => (s ? { ...s, seq: seq(s.seq) } : undefined);
    return {
      attempt: a.id,
      kind: this.kind,
      method: this.method,
      callId: this.callId,
      client: this.intern.endpoint(a.localAddress ?? '', a.localPort ?? 0),
      server: this.intern.endpoint(a.target.address, a.target.port),
      user: this.user,
      agent: this.agent || this.serverAgent,
      status: a.status,
      failed: failedExchange(this.kind, a.outcome, this.invite2xx > 0 && !this.acked),
      messages: this.messages,
      invite2xx: this.invite2xx,
      acked: this.acked,
      reinvites: this.reinvites,
      offer: atSeq(this.offer),
      answer: atSeq(this.answer),
      firstSeq: seq(this.first),
      finalSeq: this.final === undefined ? undefined : seq(this.final),
    };
  }
}
