// Dialog facts of an imported capture, one per exchange (Call-ID): what kind it is, who the client
// and server are, user and user agent, the final answer, ACK and re-INVITEs, and the SDP offer and
// answer in short (RFC 4566: c=, m=, a=rtpmap, direction). Computed from the results' trace, so the
// same facts come out of a fresh import, a bundle, the CLI and the app; cached per result.
import type { AttemptResult, CheckResult } from '../model/results.js';
import type { Endpoint, TraceEvent } from '../model/trace.js';
import { rawBytesOf } from './as-result.js';
import { brief, fromUserOf, textAt, type Brief } from './brief.js';

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

export function sdpSummary(text: string, seq: number): SdpSummary | undefined {
  let address = '', port = -1, direction: SdpSummary['direction'] = 'sendrecv';
  const names = new Map<string, string>();
  let payloads: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('c=IN ')) address ||= line.split(' ')[2] ?? '';
    else if (line.startsWith('m=audio ') && port < 0) {
      const parts = line.split(' ');
      port = Number(parts[1]);
      payloads = parts.slice(3);
    } else if (line.startsWith('a=rtpmap:')) {
      const m = /^a=rtpmap:(\d+) ([^/\s]+)/.exec(line);
      if (m) names.set(m[1]!, m[2]!);
    } else if (DIRECTIONS.has(line.slice(2)) && line.startsWith('a=')) direction = line.slice(2) as SdpSummary['direction'];
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
    facts = result.attempts.map((a) => factsOf(a, eventOf));
    cache.set(result.trace, facts);
  }
  return facts;
}

function factsOf(a: AttemptResult, eventOf: (seq: number) => TraceEvent | undefined): DialogFacts {
  const f: DialogFacts = {
    attempt: a.id, kind: 'other', method: '', callId: '', client: { address: a.localAddress ?? '', port: a.localPort ?? 0 }, server: { address: a.target.address, port: a.target.port },
    user: '', agent: '', status: a.status, failed: !WORKING.has(a.outcome), messages: 0, invite2xx: 0, acked: false, reinvites: 0, firstSeq: a.traceSeqs[0] ?? 0,
  };
  let firstInviteCseq: number | undefined;
  let serverAgent = '';
  for (const seq of a.traceSeqs) {
    const e = eventOf(seq);
    if (!e || (e.kind !== 'sent' && e.kind !== 'received')) continue;
    const bytes = rawBytesOf(e);
    const b = brief(bytes);
    if (!b) continue;
    f.messages++;
    if (b.request && !f.method) {
      f.method = b.method;
      f.kind = KINDS[b.method] ?? 'other';
      f.callId = b.callId ?? '';
      f.firstSeq = seq;
      if (b.fromAt) f.user = fromUserOf(bytes, b.fromAt);
      if (b.agentAt) f.agent = textAt(bytes, b.agentAt);
    }
    if (!b.request && b.agentAt && !serverAgent) serverAgent = textAt(bytes, b.agentAt);
    if (b.method === 'INVITE') firstInviteCseq = inviteStep(f, b, bytes, seq, firstInviteCseq);
    else if (b.request && b.method === 'ACK' && f.invite2xx > 0) f.acked = true;
    if (!b.request && b.status >= 200 && b.method === f.method) f.finalSeq = seq;
  }
  f.agent ||= serverAgent;
  // An answer the caller never confirmed is a call that drops after Timer H (RFC 3261 §13.3.1.4).
  if (f.invite2xx > 0 && !f.acked) f.failed = true;
  return f;
}

/** One INVITE or answer to an INVITE: re-INVITEs, 2xx count, SDP offer and answer. Returns the first INVITE's CSeq. */
function inviteStep(f: DialogFacts, b: Brief, bytes: Uint8Array, seq: number, firstCseq: number | undefined): number | undefined {
  if (b.request) {
    if (firstCseq !== undefined && b.cseq !== undefined && b.cseq > firstCseq) f.reinvites++;
    firstCseq ??= b.cseq;
  } else if (b.status >= 200 && b.status < 300) f.invite2xx++;
  const offerOrAnswer = b.request ? !f.offer : b.status >= 200 && b.status < 300 && !f.answer;
  if (b.sdpAt !== undefined && offerOrAnswer) {
    const sdp = sdpSummary(textAt(bytes, [b.sdpAt, Math.min(bytes.length, b.sdpAt + SDP_MAX_BYTES)]), seq);
    if (b.request) f.offer = sdp;
    else f.answer = sdp;
  }
  return firstCseq;
}
