// Helpers rules share for citing evidence and naming attempts.
import type { AttemptResult } from '../model/results.js';
import type { DiagnosisContext } from './types.js';

/** The sent/received events of an attempt (its whole trace when it exchanged no message). */
export function evidenceOf(ctx: DiagnosisContext, a: AttemptResult): number[] {
  const seqs = new Set(a.traceSeqs);
  const messages = ctx.result.trace.filter((e) => seqs.has(e.seq) && (e.kind === 'sent' || e.kind === 'received')).map((e) => e.seq);
  return messages.length ? messages : a.traceSeqs;
}

export const registered = (a: AttemptResult): boolean => a.outcome === 'registered';
export const silent = (a: AttemptResult): boolean => a.outcome === 'no-response';
export const listLabels = (as: AttemptResult[]): string => as.map((a) => a.label).join(', ');

/** The first message the server sent back in an attempt (empty when none arrived). */
export function firstAnswerOf(ctx: DiagnosisContext, a: AttemptResult): number[] {
  const seqs = new Set(a.traceSeqs);
  const answer = ctx.result.trace.find((e) => seqs.has(e.seq) && e.kind === 'received');
  return answer ? [answer.seq] : [];
}
