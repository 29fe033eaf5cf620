// The ring test panel's state: what the engine reported so far, folded from its events.
import type { Finding } from '../../../../shared/diagnosis/types.js';
import type { InboundInvite, RingEvent, RingResult } from '../../../../shared/model/ring.js';

export interface RingState {
  phase: 'idle' | 'registering' | 'waiting' | 'done' | 'failed';
  runId?: string;
  steps: string[];
  aor?: string;
  contact?: string;
  waitS?: number;
  /** Page time (ms) when the wait began: the countdown runs from it. */
  waitingSince?: number;
  invite?: InboundInvite;
  unregistering: boolean;
  result?: RingResult;
  diagnosis?: { verdict: string; findings: Finding[] };
  error?: string;
  /**
   * Events that came before the start call's answer told us our run id: over HTTP the event
   * stream and the answer travel separately, and a registration on loopback can report
   * 'waiting' before the answer lands. Replayed on 'started'; bounded.
   */
  early?: { event: RingEvent; at: number }[];
}

/** More than a registration's steps and its 'waiting' ever produce before the start answer. */
const MAX_EARLY_EVENTS = 64;

export const IDLE: RingState = { phase: 'idle', steps: [], unregistering: false };

/** Steps shown while registering (the last few; the rest are in the result's trace). */
const SHOWN_STEPS = 6;

export type RingAction =
  { type: 'starting' } | { type: 'started'; runId: string } | { type: 'start-failed'; message: string } | { type: 'event'; event: RingEvent; at: number };

export function ringReducer(s: RingState, a: RingAction): RingState {
  if (a.type === 'starting') return { ...IDLE, phase: 'registering', early: [] };
  if (a.type === 'started') {
    const started: RingState = { ...IDLE, phase: 'registering', runId: a.runId };
    return (s.early ?? []).reduce((acc, { event, at }) => ringReducer(acc, { type: 'event', event, at }), started);
  }
  if (a.type === 'start-failed') return { ...IDLE, phase: 'failed', error: a.message };
  const e = a.event;
  if (s.runId === undefined && s.early && s.early.length < MAX_EARLY_EVENTS) return { ...s, early: [...s.early, { event: e, at: a.at }] };
  if (e.runId !== s.runId) return s;
  switch (e.type) {
    case 'step':
      return { ...s, steps: [...s.steps, e.text].slice(-SHOWN_STEPS) };
    case 'waiting':
      return { ...s, phase: 'waiting', aor: e.aor, contact: e.contact, waitS: e.waitS, waitingSince: a.at };
    // The app asks for no idle repeats; a quiet period (CLI --idle) is shown as a step.
    case 'idle':
      return { ...s, steps: [...s.steps, `staying quiet for ${e.seconds} s`].slice(-SHOWN_STEPS) };
    case 'invite':
      return { ...s, invite: e.invite };
    case 'unregistering':
      return { ...s, unregistering: true };
    case 'done':
      return { ...s, phase: 'done', result: e.result, diagnosis: e.diagnosis };
    case 'failed':
      return { ...s, phase: 'failed', error: e.message };
  }
}
