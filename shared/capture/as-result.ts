// Imported messages as results the views already understand: one "attempt" per Call-ID (a
// registration, a call, an OPTIONS or other exchange), the first request's sender as the client,
// the trace as evidence. Grouping streams: each message is scanned once and kept only as its bytes
// and a few bits; the results are built at the end.
import { ByteArena } from './arena.js';
import { DialogBuilder, rememberDialogFacts, type DialogFacts } from './dialogs.js';
import { bytesGetterFor, RAW } from './lazy-bytes.js';
import type { AttemptOutcome, AttemptResult, CaptureOrigin, CheckResult } from '../model/results.js';
import type { Endpoint, TraceEvent, Transport } from '../model/trace.js';
import { brief, textAt, viaOf, type Brief } from './brief.js';
import type { CapturedMessage } from './sip-messages.js';

const key = (e: { address: string; port: number }): string => `${e.address}:${e.port}`;

/** Per-message bits kept for the outcome: status (0 for a request), request, credentials, method. */
const STATUS_MASK = 0x3ff;
const REQUEST = 1 << 10;
const CREDENTIALS = 1 << 11;
const METHOD_SHIFT = 12;
/** Methods told apart in the bits; others share the last code. */
const METHODS = ['REGISTER', 'INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'other'];
const methodCode = (m: string): number => {
  const i = METHODS.indexOf(m);
  return i < 0 ? METHODS.length - 1 : i;
};
const infoOf = (b: Brief): number => (b.request ? REQUEST : b.status & STATUS_MASK) | (b.credentials ? CREDENTIALS : 0) | (methodCode(b.method) << METHOD_SHIFT);

interface Group {
  messages: Stored[];
  info: number[];
  /** Method of the first request (or of the first message's CSeq). */
  method: string;
  /** Index of the first request, -1 while there is none. */
  firstRequest: number;
  via?: ReturnType<typeof viaOf>;
  viaTs: number;
  /** Dialog facts gathered as the messages come (rebuilt in time order for a group that needs sorting). */
  dialog: DialogBuilder;
}

/** A message as kept between reading and the results: its bytes in the arena. */
interface Stored { ts: number; transport: CapturedMessage['transport']; src: Endpoint; dst: Endpoint; locator: number; size: number }

/** The reason phrase of a status line ("SIP/2.0 200 OK" → "OK"; RFC 3261 §7.2), as a string of its own. */
function reasonOf(bytes: Uint8Array): string {
  let eol = bytes.indexOf(10);
  if (eol < 0) eol = bytes.length;
  return textAt(bytes, [Math.min(12, eol), bytes[eol - 1] === 13 ? eol - 1 : eol]);
}

/**
 * Joins parts into one flat string: 40,000 labels built by template literals would each be a
 * tree of V8 cons strings holding every part (measured: 10 MB at 200k packets).
 */
const flat = (...parts: Array<string | number>): string => parts.join('');

/** Methods whose 401/407 left unanswered means a client that did not (or could not) authenticate. */
const AUTHENTICATING = new Set(['REGISTER', 'INVITE']);

/** The outcome of the group's own transaction kind (a BYE's 200 is not the INVITE's answer). */
function outcomeOf(g: Group, arena: ByteArena): { outcome: AttemptOutcome; status?: number; reason?: string; detail: string } {
  const code = methodCode(g.method);
  let requests = 0, authed = false, last = -1, lastOfMethod = -1;
  g.info.forEach((info, i) => {
    if (info >> METHOD_SHIFT !== code) return;
    lastOfMethod = i;
    if (info & REQUEST) {
      requests++;
      authed ||= (info & CREDENTIALS) !== 0;
    } else if ((info & STATUS_MASK) >= 200) last = i;
  });
  if (last < 0) return { outcome: 'no-response', detail: `${requests} ${g.method} request(s), no final response in the capture` };
  const status = g.info[last]! & STATUS_MASK;
  const reason = reasonOf(arena.view(g.messages[last]!.locator, g.messages[last]!.size));
  const said = { status, reason, detail: flat(status, ' ', reason) };
  if (status < 300) return { outcome: g.method === 'REGISTER' ? 'registered' : 'answered', ...said };
  if (status < 400) return { outcome: 'redirected', ...said };
  if ((status === 401 || status === 407) && lastOfMethod === last && AUTHENTICATING.has(g.method)) {
    return authed ? { outcome: 'auth-failed', ...said, detail: 'challenged again after credentials' }
      : { outcome: 'challenged-no-answer', ...said, detail: `${status} sent, but no ${g.method} with credentials followed` };
  }
  return { outcome: 'rejected', ...said };
}

export class CaptureGrouper {
  private readonly groups = new Map<string, Group>();
  private t0 = Infinity;
  private tEnd = -Infinity;
  private readonly transports = new Set<Transport>();
  /** Requests per destination address: the busiest is named as the server. */
  private readonly requestTargets = new Map<string, number>();
  private readonly arena = new ByteArena();
  private readonly bytesGetter = bytesGetterFor(this.arena);
  messages = 0;
  /** Exchanges found (the groups themselves are released while the results are built). */
  exchanges = 0;

  add(m: CapturedMessage): void {
    const b = brief(m.bytes);
    if (!b) return;
    const stored: Stored = { ts: m.ts, transport: m.transport, src: m.src, dst: m.dst, locator: this.arena.store(m.bytes), size: m.bytes.length };
    this.messages++;
    if (m.ts < this.t0) this.t0 = m.ts;
    if (m.ts > this.tEnd) this.tEnd = m.ts;
    this.transports.add(m.transport);
    if (b.request) this.requestTargets.set(m.dst.address, (this.requestTargets.get(m.dst.address) ?? 0) + 1);
    const id = b.callId ?? `no-call-id-${key(m.src)}`;
    let g = this.groups.get(id);
    if (!g) {
      this.groups.set(id, (g = { messages: [], info: [], method: b.method, firstRequest: -1, viaTs: Infinity, dialog: new DialogBuilder() }));
      this.exchanges++;
    }
    // The earliest request and response in time, whatever order the file has them in.
    if (b.request && (g.firstRequest < 0 || m.ts < g.messages[g.firstRequest]!.ts)) {
      g.firstRequest = g.messages.length;
      g.method = b.method;
    }
    if (!b.request && b.viaAt && (!g.via || m.ts < g.viaTs)) {
      g.via = viaOf(m.bytes, b.viaAt);
      g.viaTs = m.ts;
    }
    g.dialog.add(b, m.bytes, g.messages.length);
    g.messages.push(stored);
    g.info.push(infoOf(b));
  }

  result(origin: CaptureOrigin): CheckResult {
    const t0 = this.messages ? this.t0 : 0;
    const trace: TraceEvent[] = [];
    const attempts: AttemptResult[] = [];
    const facts: DialogFacts[] = [];
    for (const [callId, g] of this.groups) {
      // TCP messages carry the time of the segment that completed them: sort the rare group that is out of order.
      if (!g.messages.every((m, i) => i === 0 || g.messages[i - 1]!.ts <= m.ts)) sortGroup(g, this.arena);
      const attempt = exchangeAttempt(attempts.length + 1, callId, g, trace, t0, this.arena, this.bytesGetter);
      attempts.push(attempt);
      facts.push(g.dialog.facts(attempt));
      this.groups.delete(callId); // released as the results grow: the peak holds one form of each message, not two
    }
    const server = [...this.requestTargets].reduce<[string, number]>((top, e) => (e[1] > top[1] ? e : top), [origin.file, 0])[0];
    const result: CheckResult = {
      schemaVersion: 1, tool: { name: 'sipladder', version: 'import' }, origin: 'capture', capture: origin, startedAt: new Date(t0 / 1000).toISOString(),
      durationMs: this.messages ? Math.round((this.tEnd - t0) / 1000) : 0,
      account: { server, domain: server, user: '', authUser: '', transports: [...this.transports], passwordGiven: false },
      dns: [], attempts, authFailures: 0, trace,
    };
    rememberDialogFacts(result, facts);
    return result;
  }
}

function sortGroup(g: Group, arena: ByteArena): void {
  const first = g.messages[g.firstRequest];
  const order = g.messages.map((_, i) => i).sort((a, b) => g.messages[a]!.ts - g.messages[b]!.ts);
  g.messages = order.map((i) => g.messages[i]!);
  g.info = order.map((i) => g.info[i]!);
  g.firstRequest = first ? g.messages.indexOf(first) : -1;
  g.dialog = new DialogBuilder();
  g.messages.forEach((m, i) => {
    const bytes = arena.view(m.locator, m.size);
    g.dialog.add(brief(bytes)!, bytes, i); // every stored message had a brief when it was added
  });
}

/** One exchange (a Call-ID) as an attempt, its messages appended to `trace`. */
function exchangeAttempt(attempt: number, callId: string, g: Group, trace: TraceEvent[], t0: number, arena: ByteArena, bytesGetter: () => string): AttemptResult {
  const first = g.messages[Math.max(0, g.firstRequest)]!;
  const client: Endpoint = first.src;
  const seqs: number[] = [];
  for (const m of g.messages) {
    const fromClient = m.src === client || (m.src.port === client.port && m.src.address === client.address);
    const e = {
      seq: trace.length + 1, t: Math.round((m.ts - t0) / 10) / 100, attempt, kind: fromClient ? 'sent' : 'received', transport: m.transport as Transport,
      local: fromClient ? m.src : m.dst, remote: fromClient ? m.dst : m.src, size: m.size, [RAW]: m.locator,
    } as const;
    // Symbol keys are skipped by JSON and structured clone: only `bytes` (base64) travels.
    Object.defineProperty(e, 'bytes', { enumerable: true, configurable: true, get: bytesGetter });
    trace.push(e);
    seqs.push(e.seq);
  }
  const via = g.via;
  const last = g.messages[g.messages.length - 1]!;
  return {
    id: attempt, label: flat(g.firstRequest < 0 ? 'exchange' : g.method, ' from ', client.address, ':', client.port, ' (Call-ID ', callId.slice(0, 16), ')'), transport: first.transport, target: { host: first.dst.address, ...first.dst },
    sourcePortMode: client.port === 5060 ? 'fixed-5060' : 'ephemeral', rport: via?.rport !== undefined, localPort: client.port, localAddress: client.address,
    ...outcomeOf(g, arena), durationMs: Math.round((last.ts - first.ts) / 1000), startedAt: Math.round((first.ts - t0) / 1000), requestsSent: g.info.filter((i) => i & REQUEST).length,
    retransmissions: 0, responsesFromElsewhere: [], traceSeqs: seqs,
    via: via ? { sentBy: `${via.host}${via.port ? ':' + via.port : ''}`, rportRequested: via.rport !== undefined, received: via.received ?? undefined, rport: via.rport ? Number(via.rport) : undefined } : undefined,
  };
}

/** Messages already in memory (ngrep text, tests) as results. */
export function captureAsResult(messages: CapturedMessage[], file: string): CheckResult {
  const g = new CaptureGrouper();
  for (const m of messages) g.add(m);
  return g.result({ file, format: 'ngrep', packets: 0, sipMessages: g.messages, leftOut: '' });
}
