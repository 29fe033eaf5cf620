// One run reduced to what watch mode, the timeline and the comparison line up across runs: per
// attempt kind (UDP from port 5060, UDP from an ephemeral port, TCP, …) whether it registered, how,
// and how long the server took to answer.
import type { AttemptOutcome, AttemptResult, CheckResult } from '../model/results.js';

export interface AttemptPoint {
  /** Stable across runs of the same account: transport, source-port mode, rport and target host. */
  kind: string;
  label: string;
  outcome: AttemptOutcome;
  registered: boolean;
  status?: number;
  /** First request to the first answer of the attempt (trace times), when anything was answered. */
  firstAnswerMs?: number;
  durationMs: number;
}

export interface RunSnapshot {
  /** ISO wall-clock time the run started. */
  at: string;
  attempts: AttemptPoint[];
}

/** Outcomes that say nothing about the network: the attempt did not (fully) run. */
const NOT_RUN: ReadonlySet<AttemptOutcome> = new Set(['aborted']);

/** Which attempts of two runs are "the same" attempt: not the id (ids follow DNS answers). */
export function attemptKind(a: AttemptResult): string {
  return [a.transport, a.sourcePortMode, a.rport ? 'rport' : 'no-rport', a.target.host].join('|');
}

/** Time from the attempt's first sent message to its first received one, from the trace. */
function firstAnswerMs(a: AttemptResult, times: Map<number, { t: number; kind: string }>): number | undefined {
  let sent: number | undefined;
  for (const seq of a.traceSeqs) {
    const e = times.get(seq);
    if (!e) continue;
    if (e.kind === 'sent' && sent === undefined) sent = e.t;
    if (e.kind === 'received' && sent !== undefined) return Math.round((e.t - sent) * 10) / 10;
  }
  return undefined;
}

export function snapshotOf(result: CheckResult): RunSnapshot {
  const times = new Map(result.trace.map((e) => [e.seq, { t: e.t, kind: e.kind }]));
  const attempts = result.attempts
    .filter((a) => !NOT_RUN.has(a.outcome))
    .map((a): AttemptPoint => {
      const answerMs = firstAnswerMs(a, times);
      return {
        kind: attemptKind(a),
        label: a.label,
        outcome: a.outcome,
        registered: a.outcome === 'registered',
        durationMs: a.durationMs,
        ...(a.status !== undefined ? { status: a.status } : {}),
        ...(answerMs !== undefined ? { firstAnswerMs: answerMs } : {}),
      };
    });
  return { at: result.startedAt, attempts };
}

/** An outcome in words, for change events and the comparison ("no answer", "403 Forbidden"). */
export function outcomeWords(p: Pick<AttemptPoint, 'outcome' | 'status'>): string {
  const words: Partial<Record<AttemptOutcome, string>> = {
    registered: 'registered',
    'no-response': 'no answer',
    refused: 'refused (ICMP port unreachable or TCP reset)',
    'auth-failed': 'credentials rejected',
    'challenged-no-answer': 'challenged, then no answer',
    'tls-failure': 'TLS failed',
    'bind-failed': 'local port busy',
    'dns-failure': 'DNS failed',
  };
  const w = words[p.outcome] ?? p.outcome;
  return p.status !== undefined && p.outcome !== 'registered' ? `${w}, ${p.status}` : w;
}
