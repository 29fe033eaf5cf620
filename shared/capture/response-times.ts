// What a capture can say about timing: how long each method's main transaction took from its first
// request to its final answer (RFC 3261 §17: retransmissions of the request are the same
// transaction, so the time counts from the first copy seen). Per method: count, median, 95th
// percentile and the slowest, for the capture's timing chart.
import type { TraceEvent } from '../model/trace.js';
import type { DialogFacts } from './dialogs.js';

export interface MethodTimes {
  method: string;
  /** Transactions with a final answer (the others have no time to give). */
  answered: number;
  medianMs: number;
  p95Ms: number;
  maxMs: number;
}

/** Value at quantile q (0..1) of ascending `sorted` (nearest rank). */
function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export function responseTimesByMethod(facts: DialogFacts[], trace: TraceEvent[]): MethodTimes[] {
  const byMethod = new Map<string, number[]>();
  for (const f of facts) {
    if (f.finalSeq === undefined || !f.method) continue;
    const sent = trace[f.firstSeq - 1],
      answered = trace[f.finalSeq - 1]; // seqs number the trace from 1
    if (!sent || !answered) continue;
    const times = byMethod.get(f.method) ?? [];
    times.push(Math.max(0, answered.t - sent.t));
    byMethod.set(f.method, times);
  }
  return [...byMethod]
    .map(([method, times]) => {
      times.sort((a, b) => a - b);
      return { method, answered: times.length, medianMs: quantile(times, 0.5), p95Ms: quantile(times, 0.95), maxMs: times[times.length - 1]! };
    })
    .sort((a, b) => b.answered - a.answered || a.method.localeCompare(b.method));
}
