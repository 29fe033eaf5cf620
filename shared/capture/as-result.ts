// Imported messages as results the views already understand: one "attempt" per Call-ID (a
// registration or other exchange), the request sender as "this computer", the trace as evidence.
import { toBase64 } from '../hash/utf8.js';
import type { AttemptOutcome, AttemptResult, CheckResult } from '../model/results.js';
import type { TraceEvent, Transport } from '../model/trace.js';
import { parseMessage } from '../sip/parse.js';
import type { SipMessage } from '../sip/message.js';
import type { CapturedMessage } from './sip-messages.js';

/** Exchanges shown at most (the biggest captures keep every message in the trace regardless). */
export const MAX_GROUPS = 5000;

const key = (e: { address: string; port: number }): string => `${e.address}:${e.port}`;

function outcomeOf(msgs: SipMessage[]): { outcome: AttemptOutcome; status?: number; reason?: string; detail: string } {
  const requests = msgs.filter((m) => m.kind === 'request');
  const finals = msgs.filter((m): m is Extract<SipMessage, { kind: 'response' }> => m.kind === 'response' && m.status >= 200);
  const last = finals[finals.length - 1];
  const authed = requests.some((r) => r.credentials.length > 0);
  if (!last) return { outcome: 'no-response', detail: `${requests.length} request(s), no final response in the capture` };
  const lastIsFinal = msgs[msgs.length - 1] === last;
  if (last.status >= 200 && last.status < 300) return { outcome: 'registered', status: last.status, reason: last.reason, detail: `${last.status} ${last.reason}` };
  if ((last.status === 401 || last.status === 407) && lastIsFinal) {
    return authed ? { outcome: 'auth-failed', status: last.status, reason: last.reason, detail: 'challenged again after credentials' }
      : { outcome: 'challenged-no-answer', status: last.status, reason: last.reason, detail: `${last.status} sent, but no request with credentials followed` };
  }
  return { outcome: 'rejected', status: last.status, reason: last.reason, detail: `${last.status} ${last.reason}` };
}

export function captureAsResult(messages: CapturedMessage[], source: string): CheckResult {
  const sorted = [...messages].sort((a, b) => a.ts - b.ts);
  const t0 = sorted[0]?.ts ?? 0;
  const groups = new Map<string, Array<{ m: CapturedMessage; parsed: SipMessage }>>();
  for (const m of sorted) {
    const p = parseMessage(m.bytes);
    if (!p.ok) continue;
    const id = p.message.callId ?? `no-call-id-${key(m.src)}`;
    if (!groups.has(id) && groups.size >= MAX_GROUPS) continue;
    groups.set(id, [...(groups.get(id) ?? []), { m, parsed: p.message }]);
  }
  const trace: TraceEvent[] = [];
  const attempts: AttemptResult[] = [];
  let id = 0;
  for (const [callId, list] of groups) {
    const first = list.find((x) => x.parsed.kind === 'request') ?? list[0]!;
    const client = key(first.m.src);
    const attempt = ++id;
    const seqs: number[] = [];
    for (const { m } of list) {
      const fromClient = key(m.src) === client;
      const e: TraceEvent = {
        seq: trace.length + 1, t: Math.round((m.ts - t0) / 10) / 100, attempt, kind: fromClient ? 'sent' : 'received', transport: m.transport as Transport,
        local: fromClient ? m.src : m.dst, remote: fromClient ? m.dst : m.src, bytes: toBase64(m.bytes), size: m.bytes.length,
      };
      trace.push(e);
      seqs.push(e.seq);
    }
    const method = first.parsed.kind === 'request' ? first.parsed.method : 'exchange';
    const o = outcomeOf(list.map((x) => x.parsed));
    const via = list.find((x) => x.parsed.kind === 'response')?.parsed.via[0];
    attempts.push({
      id: attempt, label: `${method} from ${client} (Call-ID ${callId.slice(0, 16)})`, transport: first.m.transport, target: { host: first.m.dst.address, ...first.m.dst },
      sourcePortMode: first.m.src.port === 5060 ? 'fixed-5060' : 'ephemeral', rport: via?.params.rport !== undefined, localPort: first.m.src.port, localAddress: first.m.src.address,
      ...o, durationMs: Math.round((list[list.length - 1]!.m.ts - first.m.ts) / 1000), startedAt: Math.round((first.m.ts - t0) / 1000), requestsSent: list.filter((x) => x.parsed.kind === 'request').length,
      retransmissions: 0, responsesFromElsewhere: [], traceSeqs: seqs,
      via: via ? { sentBy: `${via.host}${via.port ? ':' + via.port : ''}`, rportRequested: via.params.rport !== undefined, received: via.params.received ?? undefined, rport: via.params.rport ? Number(via.params.rport) : undefined } : undefined,
    });
  }
  return {
    schemaVersion: 1, tool: { name: 'sipladder', version: 'import' }, origin: 'capture', startedAt: new Date(t0 / 1000).toISOString(), durationMs: Math.round(((sorted[sorted.length - 1]?.ts ?? t0) - t0) / 1000),
    account: { server: source, domain: source, user: '', authUser: '', transports: [...new Set(sorted.map((m) => m.transport))], passwordGiven: false },
    dns: [], attempts, authFailures: 0, trace,
  };
}
