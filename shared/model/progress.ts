// Progress of a running check: small events the CLI prints and the app stores.
import type { AttemptResult, CheckResult } from './results.js';

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
  | { type: 'probe-finished'; probe: string; outcome: string; durationMs: number };
