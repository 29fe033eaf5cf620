// Progress of a running check: small events the CLI prints and the app stores.
import type { AttemptResult } from './results.js';

export type ProgressEvent =
  | { type: 'dns'; text: string }
  | { type: 'attempt-started'; attempt: number; label: string }
  | { type: 'attempt-step'; attempt: number; text: string }
  | { type: 'attempt-finished'; attempt: number; outcome: AttemptResult['outcome']; durationMs: number }
  | { type: 'probe-started'; probe: string }
  | { type: 'probe-finished'; probe: string; outcome: string; durationMs: number };
