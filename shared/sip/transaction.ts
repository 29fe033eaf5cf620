// The non-INVITE client transaction of RFC 3261 §17.1.2 (Figure 6) as a pure state machine:
// next(state, event, now) returns the new state and what the driver must do. The driver owns
// the socket, the clock and the rate limiter; this file owns only the rules.
import { T2_MS, TIMER_E_MS, TIMER_F_MS, TIMER_K_MS } from './timers.js';

/** The timers of a non-INVITE client transaction (§17.1.2.2). */
export type TxTimer = 'E' | 'F' | 'K';

export type TxPhase = 'trying' | 'proceeding' | 'completed' | 'terminated';

export interface TxState {
  phase: TxPhase;
  /** UDP retransmits (Timer E); TCP, TLS and WebSocket never do (§17.1.2.2, Timer E "only for unreliable transports"). */
  reliable: boolean;
  /** Requests handed to the transport so far, the first one included. */
  sends: number;
  /** The interval Timer E was last set to. */
  intervalE: number;
  /** Absolute firing times (the driver's clock) of the armed timers; a missing one is not armed. */
  timers: Partial<Record<TxTimer, number>>;
}

export type TxEvent = { kind: 'timer'; timer: TxTimer } | { kind: 'response'; status: number } | { kind: 'transport-error' };

export type TxAction =
  /** Hand the request to the transport (again, when `retransmission`). */
  | { kind: 'send'; retransmission: boolean }
  /** Give the response to the transaction user (1xx: provisional, ≥ 200: final). */
  | { kind: 'deliver'; final: boolean }
  /** A response after the final one: a retransmission the Completed state swallows (§17.1.2.2). */
  | { kind: 'absorb' }
  /** Timer F fired before any final response: the transaction user hears "timeout". */
  | { kind: 'timeout' }
  | { kind: 'transport-error' };

export interface TxStep {
  state: TxState;
  actions: TxAction[];
}

export interface TxOptions {
  reliable: boolean;
  /** When Timer F fires; probes wait less than the RFC's 64*T1 so a check stays within seconds. */
  timeoutMs?: number;
}

/** Starts the transaction in Trying: send the request, arm Timer F and, over UDP, Timer E at T1. */
export function startTransaction(now: number, o: TxOptions): TxStep {
  const timers: TxState['timers'] = { F: now + (o.timeoutMs ?? TIMER_F_MS) };
  if (!o.reliable) timers.E = now + TIMER_E_MS;
  return { state: { phase: 'trying', reliable: o.reliable, sends: 1, intervalE: TIMER_E_MS, timers }, actions: [{ kind: 'send', retransmission: false }] };
}

/** The earliest armed timer, if any: what the driver waits for next. */
export function nextTimer(s: TxState): { timer: TxTimer; at: number } | undefined {
  let best: { timer: TxTimer; at: number } | undefined;
  for (const timer of ['K', 'F', 'E'] as const) {
    const at = s.timers[timer];
    if (at !== undefined && (!best || at < best.at)) best = { timer, at };
  }
  return best;
}

export function next(s: TxState, e: TxEvent, now: number): TxStep {
  // A terminated transaction no longer exists: what still arrives for it is not its business (§17.1.3).
  if (s.phase === 'terminated') return { state: s, actions: [] };
  if (e.kind === 'transport-error') return terminate(s, [{ kind: 'transport-error' }]);
  if (e.kind === 'response') return onResponse(s, e.status, now);
  return onTimer(s, e.timer, now);
}

function onTimer(s: TxState, timer: TxTimer, now: number): TxStep {
  if (s.timers[timer] === undefined) return { state: s, actions: [] };
  if (timer === 'K') return terminate(s, []);
  if (timer === 'F') return terminate(s, [{ kind: 'timeout' }]);
  // Timer E: Trying doubles the interval up to T2; Proceeding resends every T2 (§17.1.2.2).
  const intervalE = s.phase === 'trying' ? Math.min(s.intervalE * 2, T2_MS) : T2_MS;
  return {
    state: { ...s, sends: s.sends + 1, intervalE, timers: { ...s.timers, E: now + intervalE } },
    actions: [{ kind: 'send', retransmission: true }],
  };
}

function onResponse(s: TxState, status: number, now: number): TxStep {
  if (s.phase === 'completed') return { state: s, actions: [{ kind: 'absorb' }] };
  if (status < 200) {
    // 1xx: Proceeding; Timer E stays armed and is reset to T2 when it next fires.
    return { state: { ...s, phase: 'proceeding' }, actions: [{ kind: 'deliver', final: false }] };
  }
  // Final: Completed for Timer K (T4 over UDP, to absorb retransmitted responses; 0 when reliable).
  if (s.reliable) return terminate(s, [{ kind: 'deliver', final: true }]);
  return { state: { ...s, phase: 'completed', timers: { K: now + TIMER_K_MS } }, actions: [{ kind: 'deliver', final: true }] };
}

function terminate(s: TxState, actions: TxAction[]): TxStep {
  return { state: { ...s, phase: 'terminated', timers: {} }, actions };
}
