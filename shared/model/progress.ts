// Progress of a running check: small events the CLI prints and the app stores.
import type { AttemptResult, CheckResult } from './results.js';
import type { TraceEvent } from './trace.js';

type PathProbes = NonNullable<CheckResult['pathProbes']>;
/**
 * A path probe that ran to its end: its result (as the final result's pathProbes[key] will hold it)
 * and the trace events it cites, so a view can diagnose with it before the other probes end.
 */
export type FinishedProbe = { [K in keyof PathProbes]-?: { key: K; result: NonNullable<PathProbes[K]> } }[keyof PathProbes] & { trace: TraceEvent[] };

/** `result` (the matrix's, or one with earlier probes) with a finished probe and the trace events it cites added. */
export function withFinishedProbe(result: CheckResult, f: FinishedProbe): CheckResult {
  const known = new Set(result.trace.map((t) => t.seq));
  const trace = [...result.trace, ...f.trace.filter((t) => !known.has(t.seq))].sort((a, b) => a.seq - b.seq);
  return { ...result, pathProbes: { ...result.pathProbes, [f.key]: f.result }, trace };
}

export type ProgressEvent =
  | { type: 'dns'; text: string }
  | { type: 'attempt-started'; attempt: number; label: string }
  | { type: 'attempt-step'; attempt: number; text: string }
  | { type: 'attempt-finished'; attempt: number; outcome: AttemptResult['outcome']; durationMs: number }
  /**
   * The registration matrix is done: its results (incomplete: 'path-probes-running') so the verdict
   * can be shown at once; path probes follow and the final result replaces this one.
   */
  | { type: 'matrix-finished'; result: CheckResult }
  | { type: 'probe-started'; probe: string }
  /** `finished`: absent when the run was cancelled before this probe ended (what it saw is left out). */
  | { type: 'probe-finished'; probe: string; outcome: string; durationMs: number; finished?: FinishedProbe };
