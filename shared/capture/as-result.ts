// Imported messages as results the views already understand: one "attempt" per Call-ID (a
// registration or other exchange), the request sender as "this computer", the trace as evidence.
import { toBase64 } from '../hash/utf8.js';
import type { AttemptOutcome, AttemptResult, CheckResult } from '../model/results.js';
import type { TraceEvent, Transport } from '../model/trace.js';
import { parseVia } from '../sip/header-values.js';
import type { CapturedMessage } from './sip-messages.js';

/** What grouping needs of a message; whole parsed messages of a 100,000-message capture would not fit. */
interface Brief {
  callId?: string;
  request: boolean;
  method: string;
  status: number;
  reason: string;
  credentials: boolean;
  via?: { host: string; port?: number; rport?: string | null; received?: string | null };
}

const decoder = new TextDecoder('utf-8');
/** Header names grouping reads (lower-case), compact forms included. */
const WANTED = new Set(['call-id', 'i', 'via', 'v', 'authorization', 'proxy-authorization']);
const WANTED_LENGTHS = new Set([...WANTED].map((n) => n.length));

/**
 * The few fields grouping needs, by a line scan of the head (the full parser runs when a message
 * is shown). Returns null when the start line is not SIP.
 */
function brief(bytes: Uint8Array): Brief | null {
  let headEnd = bytes.length;
  for (let i = bytes.indexOf(10); i >= 0 && i + 2 < bytes.length; i = bytes.indexOf(10, i + 1)) {
    if (bytes[i + 1] === 13 || bytes[i + 1] === 10) {
      headEnd = i;
      break;
    }
  }
  const head = decoder.decode(bytes.subarray(0, Math.min(headEnd, 16_384)));
  let nl = head.indexOf('\n');
  if (nl < 0) nl = head.length;
  const start = head.charCodeAt(nl - 1) === 13 ? head.slice(0, nl - 1) : head.slice(0, nl);
  const response = /^SIP\/2\.0 (\d{3}) ?(.*)$/.exec(start);
  const request = response ? null : /^([A-Z][A-Z0-9_-]*) \S+ SIP\/2\.0$/.exec(start);
  if (!response && !request) return null;
  const b: Brief = { request: !!request, method: request?.[1] ?? '', status: response ? Number(response[1]) : 0, reason: response?.[2] ?? '', credentials: false };
  for (let pos = nl + 1; pos < head.length;) {
    let end = head.indexOf('\n', pos);
    if (end < 0) end = head.length;
    const colon = head.indexOf(':', pos);
    // Cheap length test first: most header lines are not wanted, and slicing them all is garbage.
    if (colon > pos && colon < end && WANTED_LENGTHS.has(colon - pos)) {
      const name = head.slice(pos, colon).toLowerCase();
      if (WANTED.has(name)) {
        const value = head.slice(colon + 1, head.charCodeAt(end - 1) === 13 ? end - 1 : end).trim();
        if (name === 'call-id' || name === 'i') b.callId ??= value;
        else if (name === 'via' || name === 'v') {
          if (!b.via) {
            const comma = value.indexOf(',');
            const v = parseVia(comma < 0 ? value : value.slice(0, comma));
            if (v.ok) b.via = { host: v.value.host, port: v.value.port, rport: v.value.params.rport, received: v.value.params.received };
          }
        } else b.credentials = true;
      }
    }
    pos = end + 1;
  }
  return b;
}

const key = (e: { address: string; port: number }): string => `${e.address}:${e.port}`;

/**
 * A trace event whose base64 `bytes` are encoded on first read: a 100,000-message capture is
 * mostly never displayed. The property is enumerable, so JSON and structured clone still carry it.
 */
function lazyBytes(e: Omit<TraceEvent, 'bytes'>, raw: Uint8Array): TraceEvent {
  let encoded: string | undefined;
  return Object.defineProperty(e, 'bytes', { enumerable: true, configurable: true, get: () => (encoded ??= toBase64(raw)) }) as TraceEvent;
}

function outcomeOf(msgs: Brief[]): { outcome: AttemptOutcome; status?: number; reason?: string; detail: string } {
  const requests = msgs.filter((m) => m.request);
  const finals = msgs.filter((m) => !m.request && m.status >= 200);
  const last = finals[finals.length - 1];
  const authed = requests.some((r) => r.credentials);
  if (!last) return { outcome: 'no-response', detail: `${requests.length} request(s), no final response in the capture` };
  const lastIsFinal = msgs[msgs.length - 1] === last;
  if (last.status >= 200 && last.status < 300) return { outcome: 'registered', status: last.status, reason: last.reason, detail: `${last.status} ${last.reason}` };
  if ((last.status === 401 || last.status === 407) && lastIsFinal) {
    return authed ? { outcome: 'auth-failed', status: last.status, reason: last.reason, detail: 'challenged again after credentials' }
      : { outcome: 'challenged-no-answer', status: last.status, reason: last.reason, detail: `${last.status} sent, but no request with credentials followed` };
  }
  return { outcome: 'rejected', status: last.status, reason: last.reason, detail: `${last.status} ${last.reason}` };
}

interface Grouped { m: CapturedMessage; parsed: Brief }

/**
 * Groups messages by Call-ID as they are read (streaming: each message is parsed briefly once and
 * kept only as bytes and its brief), then builds the results at the end.
 */
export class CaptureGrouper {
  private readonly groups = new Map<string, Grouped[]>();
  private t0 = Infinity;
  private tEnd = -Infinity;
  private readonly transports = new Set<Transport>();
  messages = 0;

  get exchanges(): number {
    return this.groups.size;
  }

  add(m: CapturedMessage): void {
    const b = brief(m.bytes);
    if (!b) return;
    this.messages++;
    if (m.ts < this.t0) this.t0 = m.ts;
    if (m.ts > this.tEnd) this.tEnd = m.ts;
    this.transports.add(m.transport);
    const id = b.callId ?? `no-call-id-${key(m.src)}`;
    const list = this.groups.get(id);
    if (list) list.push({ m, parsed: b });
    else this.groups.set(id, [{ m, parsed: b }]);
  }

  result(source: string): CheckResult {
    const t0 = this.messages ? this.t0 : 0;
    const trace: TraceEvent[] = [];
    const attempts: AttemptResult[] = [];
    for (const [callId, list] of this.groups) {
      // TCP messages carry the time of the segment that completed them: sort the rare group that is out of order.
      if (!list.every((x, i) => i === 0 || list[i - 1]!.m.ts <= x.m.ts)) list.sort((a, b) => a.m.ts - b.m.ts);
      attempts.push(exchangeAttempt(attempts.length + 1, callId, list, trace, t0));
    }
    return {
      schemaVersion: 1, tool: { name: 'sipladder', version: 'import' }, origin: 'capture', startedAt: new Date(t0 / 1000).toISOString(), durationMs: this.messages ? Math.round((this.tEnd - t0) / 1000) : 0,
      account: { server: source, domain: source, user: '', authUser: '', transports: [...this.transports], passwordGiven: false },
      dns: [], attempts, authFailures: 0, trace,
    };
  }
}

/** One exchange (a Call-ID) as an attempt, its messages appended to `trace`. */
function exchangeAttempt(attempt: number, callId: string, list: Grouped[], trace: TraceEvent[], t0: number): AttemptResult {
  const first = list.find((x) => x.parsed.request) ?? list[0]!;
  const client = key(first.m.src);
  const seqs: number[] = [];
  for (const { m } of list) {
    const fromClient = key(m.src) === client;
    const e = lazyBytes({
      seq: trace.length + 1, t: Math.round((m.ts - t0) / 10) / 100, attempt, kind: fromClient ? 'sent' : 'received', transport: m.transport as Transport,
      local: fromClient ? m.src : m.dst, remote: fromClient ? m.dst : m.src, size: m.bytes.length,
    }, m.bytes);
    trace.push(e);
    seqs.push(e.seq);
  }
  const method = first.parsed.request ? first.parsed.method : 'exchange';
  const o = outcomeOf(list.map((x) => x.parsed));
  const via = list.find((x) => !x.parsed.request)?.parsed.via;
  return {
    id: attempt, label: `${method} from ${client} (Call-ID ${callId.slice(0, 16)})`, transport: first.m.transport, target: { host: first.m.dst.address, ...first.m.dst },
    sourcePortMode: first.m.src.port === 5060 ? 'fixed-5060' : 'ephemeral', rport: via?.rport !== undefined, localPort: first.m.src.port, localAddress: first.m.src.address,
    ...o, durationMs: Math.round((list[list.length - 1]!.m.ts - first.m.ts) / 1000), startedAt: Math.round((first.m.ts - t0) / 1000), requestsSent: list.filter((x) => x.parsed.request).length,
    retransmissions: 0, responsesFromElsewhere: [], traceSeqs: seqs,
    via: via ? { sentBy: `${via.host}${via.port ? ':' + via.port : ''}`, rportRequested: via.rport !== undefined, received: via.received ?? undefined, rport: via.rport ? Number(via.rport) : undefined } : undefined,
  };
}

/** Messages already in memory (ngrep text, tests) as results. */
export function captureAsResult(messages: CapturedMessage[], source: string): CheckResult {
  const g = new CaptureGrouper();
  for (const m of messages) g.add(m);
  return g.result(source);
}
