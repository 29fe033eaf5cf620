// The registration ladder (message sequence chart) as data: lanes This computer / Your router
// (public address) / Server, one row per message of an attempt, plus the answers that never came.
// Built from results + trace only, so a ladder from a bundle is the same as a live one.
import { fromBase64 } from '../hash/utf8.js';
import type { AttemptResult, CheckResult } from '../model/results.js';
import type { TraceEvent } from '../model/trace.js';
import { parseMessage } from '../sip/parse.js';

export type Lane = 'computer' | 'router' | 'server';

export interface LadderArrow {
  /** Trace seq of the message (negative for a missing answer, which has no trace event). */
  seq: number;
  from: Lane;
  to: Lane;
  /** Method for requests ("REGISTER"), status for responses ("401 Unauthorized"). */
  label: string;
  /** Run time in ms, and time since the previous arrow of this attempt. */
  t: number;
  delta: number;
  retransmission: boolean;
  /** A response we expected and never saw: drawn ending in a cross before it reaches us. */
  lost: boolean;
  /** Instead of an answer, the server's host refused (ICMP port unreachable, TCP RST): it reached us. */
  refused: boolean;
  /** Findings that cite this message. */
  annotations: string[];
}

export interface LadderColumn {
  attempt: number;
  title: string;
  outcome: AttemptResult['outcome'];
  lanes: Record<Lane, string>;
  arrows: LadderArrow[];
}

/** Trace events by seq, built once per trace: a column per exchange of a 40,000-exchange capture must not scan the whole trace each. */
const traceIndex = new WeakMap<TraceEvent[], Map<number, TraceEvent>>();

function eventsOf(result: CheckResult, seqs: number[]): TraceEvent[] {
  let index = traceIndex.get(result.trace);
  if (!index) traceIndex.set(result.trace, (index = new Map(result.trace.map((e) => [e.seq, e]))));
  return [...new Set(seqs)]
    .sort((a, b) => a - b)
    .map((s) => index.get(s))
    .filter((e): e is TraceEvent => e !== undefined);
}

export function ladderColumn(result: CheckResult, attempt: AttemptResult, annotations: Map<number, string[]> = new Map()): LadderColumn {
  const events = eventsOf(result, attempt.traceSeqs).filter((e) => (e.kind === 'sent' || e.kind === 'received') && e.bytes);
  const publicAddress = attempt.via?.received ? `${attempt.via.received}:${attempt.via.rport ?? '?'}` : 'public address unknown';
  const column: LadderColumn = {
    attempt: attempt.id,
    title: attempt.label,
    outcome: attempt.outcome,
    lanes: {
      // A capture was taken elsewhere (often at the server): its words are "client" and "seen", never "this computer".
      computer: `${result.origin === 'capture' ? 'Client' : 'This computer'}${attempt.localAddress ? ` ${attempt.localAddress}:${attempt.localPort}` : ''}`,
      router: result.origin === 'capture' ? `Client as the server saw it (${publicAddress})` : `Your router (${publicAddress})`,
      server: `Server ${attempt.target.address}:${attempt.target.port}`,
    },
    arrows: [],
  };
  const answered = new Set<string>();
  const lastSendOf = new Map<string, { t: number; label: string; seq: number }>();
  let prev: number | null = null;
  for (const e of events) {
    // A message that breaks a rule (duplicate To, CSeq mismatch...) is still drawn: it is evidence.
    const m = parseMessage(fromBase64(e.bytes!)).message;
    if (!m) continue;
    const key = `${m.via[0]?.params.branch ?? ''}|${m.cseq?.method ?? ''}`;
    const label = m.kind === 'request' ? m.method : `${m.status} ${m.reason}`;
    // An ACK is never answered (RFC 3261 §17.1.1.3): no answer of it can be missing.
    if (e.kind === 'sent' && m.kind === 'request' && m.method !== 'ACK') lastSendOf.set(key, { t: e.t, label, seq: e.seq });
    if (e.kind === 'received' && m.kind === 'response' && m.status >= 200) answered.add(key);
    column.arrows.push({
      seq: e.seq,
      from: e.kind === 'sent' ? 'computer' : 'server',
      to: e.kind === 'sent' ? 'server' : 'computer',
      label,
      t: e.t,
      delta: prev === null ? 0 : Math.round((e.t - prev) * 10) / 10,
      retransmission: e.retransmission === true,
      lost: false,
      refused: false,
      annotations: annotations.get(e.seq) ?? [],
    });
    prev = e.t;
  }
  // Each request that never got a final answer: the answer the server would have sent, lost — or
  // the refusal that came instead. A cancelled attempt simply stopped: nothing was lost.
  if (attempt.outcome === 'aborted') lastSendOf.clear();
  const refused = attempt.outcome === 'refused';
  let missing = -1;
  for (const [key, send] of lastSendOf) {
    if (answered.has(key)) continue;
    const t = refused ? Math.max(send.t, attempt.startedAt + attempt.durationMs) : send.t;
    column.arrows.push({
      seq: missing--,
      from: 'server',
      to: 'computer',
      label: refused ? `refused: ${attempt.transport === 'udp' ? 'ICMP port unreachable' : 'connection reset'}` : `no answer to ${send.label}`,
      t,
      delta: Math.round((t - send.t) * 10) / 10,
      retransmission: false,
      lost: !refused,
      refused,
      // A finding that cites the request also speaks of its missing answer.
      annotations: annotations.get(send.seq) ?? [],
    });
  }
  column.arrows.sort((a, b) => a.t - b.t || (a.lost ? 1 : 0) - (b.lost ? 1 : 0));
  return column;
}

/** A column per attempt; findings annotate the arrows they cite. */
export function ladderModel(result: CheckResult, findings: Array<{ title: string; evidence: number[] }> = [], attempts?: number[]): LadderColumn[] {
  const notes = new Map<number, string[]>();
  for (const f of findings) for (const s of f.evidence) notes.set(s, [...(notes.get(s) ?? []), f.title]);
  return result.attempts.filter((a) => !attempts || attempts.includes(a.id)).map((a) => ladderColumn(result, a, notes));
}
