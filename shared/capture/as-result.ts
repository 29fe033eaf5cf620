// Imported messages as results the views already understand: one "attempt" per Call-ID (a
// registration, a call, an OPTIONS or other exchange), the first request's sender as the client,
// the trace as evidence. Grouping streams: each message is scanned once and kept only as its bytes
// and a few bits; the results are built at the end.
import { ByteArena, type FileRanges } from './arena.js';
import { Interner } from './interner.js';
import { END, MessageColumns } from './message-columns.js';
import { DialogBuilder, rememberDialogFacts, type DialogFacts } from './dialogs.js';
import { bytesGetterFor, RAW } from './lazy-bytes.js';
import type { AttemptOutcome, AttemptResult, CaptureOrigin, CheckResult } from '../model/results.js';
import type { TraceEvent, Transport } from '../model/trace.js';
import { brief, textAt, viaOf, type Brief } from './brief.js';
import { PreviewCounter } from './preview.js';
import { LiveDialogTracker, type LiveSource } from './live-dialogs.js';
import { hostForSip } from '../sip/uri.js';
import type { CapturedMessage } from './sip-messages.js';

/** Latest time a Date can hold (ECMA-262 §21.4.1.22), in ms. */
const MAX_DATE_MS = 8.64e15;
/** A capture's start as ISO time; a hostile timestamp beyond what a Date holds reads as the epoch rather than failing the import. */
const isoTime = (us: number): string => new Date(Math.abs(us / 1000) <= MAX_DATE_MS ? us / 1000 : 0).toISOString();

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
const infoOf = (b: Brief): number =>
  (b.request ? REQUEST : b.status & STATUS_MASK) | (b.credentials ? CREDENTIALS : 0) | (methodCode(b.method) << METHOD_SHIFT);

interface Group {
  /** Order of appearance (live-dialogs.ts). */
  n: number;
  callId: string;
  /** The latest final answer to `method` so far (for the live list). */
  status?: number;
  /** Message indexes (MessageColumns) of the first and last message, in arrival order until sorted. */
  head: number;
  tail: number;
  count: number;
  /** Method of the first request (or of the first message's CSeq). */
  method: string;
  /** Message index of the first request, -1 while there is none. */
  firstRequest: number;
  via?: ReturnType<typeof viaOf>;
  viaTs: number;
  /** Dialog facts gathered as the messages come (rebuilt in time order for a group that needs sorting). */
  dialog: DialogBuilder;
}

/** Message indexes of a group, in chain order. */
function* chain(g: Group, next: Int32Array): Generator<number> {
  for (let i = g.head; i !== END; i = next[i]!) yield i;
}

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

type Outcome = { outcome: AttemptOutcome; status?: number; reason?: string; detail: string };

/** The outcome of the group's own transaction kind (a BYE's 200 is not the INVITE's answer). */
function outcomeOf(g: Group, cols: MessageColumns, reasonAt: (i: number) => string): Outcome {
  const code = methodCode(g.method);
  let requests = 0,
    authed = false,
    last = -1,
    lastOfMethod = -1;
  for (const i of chain(g, cols.next)) {
    const info = cols.info[i]!;
    if (info >> METHOD_SHIFT !== code) continue;
    lastOfMethod = i;
    if (info & REQUEST) {
      requests++;
      authed ||= (info & CREDENTIALS) !== 0;
    } else if ((info & STATUS_MASK) >= 200) last = i;
  }
  if (last < 0) return { outcome: 'no-response', detail: flat(requests, ' ', g.method, ' request(s), no final response in the capture') };
  const status = cols.info[last]! & STATUS_MASK;
  const reason = reasonAt(last);
  const said = { status, reason, detail: flat(status, ' ', reason) };
  if (status < 300) return { outcome: g.method === 'REGISTER' ? 'registered' : 'answered', ...said };
  if (status < 400) return { outcome: 'redirected', ...said };
  if ((status === 401 || status === 407) && lastOfMethod === last && AUTHENTICATING.has(g.method)) {
    return authed
      ? { outcome: 'auth-failed', ...said, detail: 'challenged again after credentials' }
      : { outcome: 'challenged-no-answer', ...said, detail: flat(status, ' sent, but no ', g.method, ' with credentials followed') };
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
  private readonly arena: ByteArena;
  private readonly bytesGetter: () => string;
  private readonly cols = new MessageColumns();
  /** Dialog texts repeat (a few user agents, codecs, addresses): one string each. */
  private readonly intern = new Interner();
  messages = 0;
  /** Exchanges found (the groups themselves are released while the results are built). */
  exchanges = 0;
  /** What the import has found so far, for its progress (capture/preview.ts). */
  readonly preview = new PreviewCounter();
  /** The dialogs so far, for its progress (capture/live-dialogs.ts). */
  readonly live = new LiveDialogTracker<Group>((g) => this.liveSource(g));

  /** `file` reads the capture file back: messages found there as one piece are not copied. */
  constructor(file?: FileRanges) {
    this.arena = new ByteArena(file);
    this.bytesGetter = bytesGetterFor(this.arena);
  }

  add(m: CapturedMessage): void {
    const b = brief(m.bytes);
    if (!b) return;
    const i = this.cols.add(m.ts, m.transport === 'tcp', m.src, m.dst, this.arena.store(m.bytes, m.fileOffset), m.bytes.length, infoOf(b), b.reason);
    this.messages++;
    if (m.ts < this.t0) this.t0 = m.ts;
    if (m.ts > this.tEnd) this.tEnd = m.ts;
    this.preview.add(b, m.ts, m.dst);
    this.transports.add(m.transport);
    if (b.request) this.requestTargets.set(m.dst.address, (this.requestTargets.get(m.dst.address) ?? 0) + 1);
    const id = b.callId ?? `no-call-id-${key(m.src)}`;
    let g = this.groups.get(id);
    if (!g) {
      g = { n: 0, callId: id, head: i, tail: i, count: 0, method: b.method, firstRequest: -1, viaTs: Infinity, dialog: new DialogBuilder(this.intern) };
      this.groups.set(id, g);
      g.n = this.live.appeared(g);
      this.exchanges++;
    } else {
      this.cols.next[g.tail] = i;
      g.tail = i;
      this.live.touch(g.n);
    }
    // The earliest request and response in time, whatever order the file has them in.
    if (b.request && (g.firstRequest < 0 || m.ts < this.cols.ts[g.firstRequest]!)) {
      g.firstRequest = i;
      g.method = b.method;
    }
    if (!b.request && b.viaAt && (!g.via || m.ts < g.viaTs)) {
      g.via = viaOf(m.bytes, b.viaAt);
      g.viaTs = m.ts;
    }
    if (!b.request && b.status >= 200 && b.method === g.method) g.status = b.status;
    g.dialog.add(b, m.bytes, g.count++);
  }

  private liveSource(g: Group): LiveSource {
    const first = g.firstRequest < 0 ? g.head : g.firstRequest;
    const client = this.cols.srcOf(first);
    return {
      at: Math.round((this.cols.ts[first]! - this.t0) / 1e4) / 100,
      method: g.firstRequest < 0 ? '' : g.method,
      client: flat(hostForSip(client.address), ':', client.port),
      ...g.dialog.who,
      callId: g.callId,
      status: g.status,
      messages: g.count,
    };
  }

  result(origin: CaptureOrigin): CheckResult {
    const t0 = this.messages ? this.t0 : 0;
    const trace: TraceEvent[] = [];
    const attempts: AttemptResult[] = [];
    const facts: DialogFacts[] = [];
    const reasonAt = (i: number): string => this.cols.reasonOf(i) ?? reasonOf(this.arena.view(this.cols.locator[i]!, this.cols.size[i]!));
    this.live.clear();
    for (const [callId, g] of this.groups) {
      // TCP messages carry the time of the segment that completed them: sort the rare group that is out of order.
      if (!inTimeOrder(g, this.cols)) this.sortGroup(g);
      const attempt = this.exchangeAttempt(attempts.length + 1, callId, g, trace, t0, reasonAt);
      attempts.push(attempt);
      facts.push(g.dialog.facts(attempt));
      this.groups.delete(callId); // released as the results grow
    }
    const server = [...this.requestTargets].reduce<[string, number]>((top, e) => (e[1] > top[1] ? e : top), [origin.file, 0])[0];
    const result: CheckResult = {
      schemaVersion: 1,
      tool: { name: 'sipladder', version: 'import' },
      origin: 'capture',
      capture: origin,
      startedAt: isoTime(t0),
      durationMs: this.messages ? Math.round((this.tEnd - t0) / 1000) : 0,
      account: { server, domain: server, user: '', authUser: '', transports: [...this.transports], passwordGiven: false },
      dns: [],
      attempts,
      authFailures: 0,
      trace,
    };
    rememberDialogFacts(result, facts);
    return result;
  }

  /** Re-chains a group's messages in time order and gathers its dialog facts again in that order. */
  private sortGroup(g: Group): void {
    const { cols } = this;
    const order = [...chain(g, cols.next)].sort((a, b) => cols.ts[a]! - cols.ts[b]!);
    order.forEach((i, k) => (cols.next[i] = order[k + 1] ?? END));
    g.head = order[0]!;
    g.tail = order[order.length - 1]!;
    g.dialog = new DialogBuilder(this.intern);
    order.forEach((i, position) => {
      const bytes = this.arena.view(cols.locator[i]!, cols.size[i]!);
      g.dialog.add(brief(bytes)!, bytes, position); // every stored message had a brief when it was added
    });
  }

  /** One exchange (a Call-ID) as an attempt, its messages appended to `trace`. */
  private exchangeAttempt(attempt: number, callId: string, g: Group, trace: TraceEvent[], t0: number, reasonAt: (i: number) => string): AttemptResult {
    const { cols } = this;
    const first = g.firstRequest < 0 ? g.head : g.firstRequest;
    const client = cols.srcOf(first);
    const server = cols.dstOf(first);
    const transport: Transport = cols.tcp[first] ? 'tcp' : 'udp';
    const seqs = new Array<number>(g.count); // sized once: pushing would leave most of a growth step empty
    let k = 0,
      requests = 0;
    for (const i of chain(g, cols.next)) {
      const src = cols.srcOf(i);
      const fromClient = src === client || (src.port === client.port && src.address === client.address);
      const dst = cols.dstOf(i);
      const e = {
        seq: trace.length + 1,
        t: Math.round((cols.ts[i]! - t0) / 10) / 100,
        attempt,
        kind: fromClient ? 'sent' : 'received',
        transport: (cols.tcp[i] ? 'tcp' : 'udp') as Transport,
        local: fromClient ? src : dst,
        remote: fromClient ? dst : src,
        size: cols.size[i]!,
        [RAW]: cols.locator[i]!,
      } as const;
      // Symbol keys are skipped by JSON and structured clone: only `bytes` (base64) travels.
      Object.defineProperty(e, 'bytes', { enumerable: true, configurable: true, get: this.bytesGetter });
      trace.push(e);
      seqs[k++] = e.seq;
      if (cols.info[i]! & REQUEST) requests++;
    }
    const via = g.via;
    return {
      id: attempt,
      label: flat(g.firstRequest < 0 ? 'exchange' : g.method, ' from ', client.address, ':', client.port, ' (Call-ID ', callId.slice(0, 16), ')'),
      transport,
      target: { host: server.address, address: server.address, port: server.port },
      sourcePortMode: client.port === 5060 ? 'fixed-5060' : 'ephemeral',
      rport: via?.rport !== undefined,
      localPort: client.port,
      localAddress: client.address,
      ...outcomeOf(g, cols, reasonAt),
      durationMs: Math.round((cols.ts[g.tail]! - cols.ts[first]!) / 1000),
      startedAt: Math.round((cols.ts[first]! - t0) / 1000),
      requestsSent: requests,
      retransmissions: 0,
      responsesFromElsewhere: [],
      traceSeqs: seqs,
      via: via
        ? {
            sentBy: flat(via.host, via.port ? ':' : '', via.port ?? ''),
            rportRequested: via.rport !== undefined,
            received: via.received ?? undefined,
            rport: via.rport ? Number(via.rport) : undefined,
          }
        : undefined,
    };
  }
}

function inTimeOrder(g: Group, cols: MessageColumns): boolean {
  for (let i = g.head, n = cols.next[i]!; n !== END; i = n, n = cols.next[n]!) if (cols.ts[n]! < cols.ts[i]!) return false;
  return true;
}

/** Messages already in memory (ngrep text, tests) as results. */
export function captureAsResult(messages: CapturedMessage[], file: string): CheckResult {
  const g = new CaptureGrouper();
  for (const m of messages) g.add(m);
  return g.result({ file, format: 'ngrep', packets: 0, sipMessages: g.messages, leftOut: '' });
}
