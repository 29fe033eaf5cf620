import { describe, expect, it } from 'vitest';
import { T1_MS, T2_MS, T4_MS, TIMER_F_MS } from '../../shared/sip/timers.js';
import { next, nextTimer, startTransaction, type TxAction, type TxState } from '../../shared/sip/transaction.js';

/** Runs the machine's timers in order until it ends or `until`; returns when each send happened and how it ended. */
function runTimers(state: TxState, until = Infinity): { sendsAt: number[]; state: TxState; ended?: TxAction['kind'] } {
  const sendsAt: number[] = [];
  for (let due = nextTimer(state); due && due.at <= until; due = nextTimer(state)) {
    const step = next(state, { kind: 'timer', timer: due.timer }, due.at);
    state = step.state;
    for (const a of step.actions) {
      if (a.kind === 'send') sendsAt.push(due.at);
      else return { sendsAt, state, ended: a.kind };
    }
  }
  return { sendsAt, state };
}

describe('non-INVITE client transaction (RFC 3261 §17.1.2)', () => {
  it('starts in Trying with one send, Timer F armed and, over UDP, Timer E at T1', () => {
    const { state, actions } = startTransaction(100, { reliable: false });
    expect(actions).toEqual([{ kind: 'send', retransmission: false }]);
    expect(state.phase).toBe('trying');
    expect(state.timers).toEqual({ E: 100 + T1_MS, F: 100 + TIMER_F_MS });
  });

  it('retransmits over UDP at T1, 2*T1, … capped at T2, until Timer F says timeout', () => {
    const run = runTimers(startTransaction(0, { reliable: false }).state);
    // Intervals 500, 1000, 2000, then T2 = 4000 until 64*T1 = 32 s.
    expect(run.sendsAt).toEqual([500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
    expect(run.ended).toBe('timeout');
    expect(run.state.phase).toBe('terminated');
    expect(run.state.sends).toBe(11);
  });

  it('never retransmits over a reliable transport, and still times out', () => {
    const start = startTransaction(0, { reliable: true, timeoutMs: 3500 });
    expect(start.state.timers).toEqual({ F: 3500 });
    const run = runTimers(start.state);
    expect(run.sendsAt).toEqual([]);
    expect(run.ended).toBe('timeout');
  });

  it('a probe deadline shorter than Timer F wins over a Timer E due at the same moment', () => {
    const run = runTimers(startTransaction(0, { reliable: false, timeoutMs: 3500 }).state);
    expect(run.sendsAt).toEqual([500, 1500]);
    expect(run.ended).toBe('timeout');
  });

  it('1xx moves to Proceeding, where Timer E resends every T2; the final response completes it', () => {
    let { state } = startTransaction(0, { reliable: false });
    state = runTimers(state, 500).state; // one retransmission at 500, E now due at 1500
    const provisional = next(state, { kind: 'response', status: 100 }, 600);
    expect(provisional.actions).toEqual([{ kind: 'deliver', final: false }]);
    expect(provisional.state.phase).toBe('proceeding');
    const later = runTimers(provisional.state, 1500 + 2 * T2_MS);
    expect(later.sendsAt).toEqual([1500, 1500 + T2_MS, 1500 + 2 * T2_MS]);
    const final = next(later.state, { kind: 'response', status: 200 }, 10_000);
    expect(final.actions).toEqual([{ kind: 'deliver', final: true }]);
    expect(final.state.phase).toBe('completed');
    expect(final.state.timers).toEqual({ K: 10_000 + T4_MS });
  });

  it('absorbs late responses in Completed over UDP, and ends at Timer K', () => {
    const { state } = next(startTransaction(0, { reliable: false }).state, { kind: 'response', status: 401 }, 50);
    const late = next(state, { kind: 'response', status: 401 }, 600);
    expect(late.actions).toEqual([{ kind: 'absorb' }]);
    expect(late.state).toEqual(state);
    // No retransmission happens in Completed: Timer E is gone.
    const run = runTimers(late.state);
    expect(run.sendsAt).toEqual([]);
    expect(run.state.phase).toBe('terminated');
    expect(next(run.state, { kind: 'response', status: 401 }, 60_000).actions).toEqual([]);
  });

  it('over a reliable transport the final response terminates at once (Timer K = 0)', () => {
    const step = next(startTransaction(0, { reliable: true }).state, { kind: 'response', status: 200 }, 30);
    expect(step.actions).toEqual([{ kind: 'deliver', final: true }]);
    expect(step.state.phase).toBe('terminated');
    expect(nextTimer(step.state)).toBeUndefined();
  });

  it('Timer F in Proceeding is a timeout too', () => {
    const { state } = next(startTransaction(0, { reliable: true, timeoutMs: 1000 }).state, { kind: 'response', status: 180 }, 10);
    const run = runTimers(state);
    expect(run.ended).toBe('timeout');
  });

  it('a transport error terminates the transaction and is passed up', () => {
    const step = next(startTransaction(0, { reliable: false }).state, { kind: 'transport-error' }, 10);
    expect(step.actions).toEqual([{ kind: 'transport-error' }]);
    expect(step.state.phase).toBe('terminated');
    expect(step.state.timers).toEqual({});
  });

  it('ignores a timer that is no longer armed', () => {
    const { state } = next(startTransaction(0, { reliable: false }).state, { kind: 'response', status: 200 }, 10);
    expect(next(state, { kind: 'timer', timer: 'E' }, 500)).toEqual({ state, actions: [] });
  });
});
