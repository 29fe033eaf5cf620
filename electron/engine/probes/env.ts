// What every probe runs with, passed as part of its one context object (with the probe's options).
import type { EngineDeps } from '../deps.js';
import type { RateLimiter } from '../safety.js';
import type { TraceRecorder } from '../trace-recorder.js';

export interface ProbeEnv {
  /** The outside world (sockets, clock, random, DNS). */
  deps: EngineDeps;
  trace: TraceRecorder;
  /** The request budget toward the probe's target. */
  rate: RateLimiter;
  /** The trace's attempt id for this probe's events. */
  attempt: number;
  signal: AbortSignal;
}
