// Results of the ring test (an inbound call through the user's provider) and of the reflector
// callback test (the reflector calls back the flow that registered to it). What happened only;
// shared/diagnosis/rules-ring.ts judges it.
import type { Finding } from '../diagnosis/types.js';
import type { AttemptResult } from './results.js';
import type { Endpoint, TraceEvent, Transport } from './trace.js';

/** One inbound INVITE transaction as it arrived on the registered flow (RFC 3261 §17.2.1). */
export interface InboundInvite {
  /** Run ms when it arrived, and ms since the registration was accepted. */
  at: number;
  afterRegistrationMs: number;
  transport: Transport;
  /** Where it came from and the local address/port it reached (the registered flow). */
  from: Endpoint;
  local: Endpoint;
  /** True when it came from the address and port the REGISTER went to (same 5-tuple). */
  fromRegistrar: boolean;
  requestUri: string;
  /** Contact of the caller's side, SDP connection address (c=) and audio port, as received. */
  contact?: string;
  sdpAddress?: string;
  sdpPort?: number;
  callId: string;
  caller: string;
  /** Retransmissions of the INVITE we received (UDP). */
  retransmissions: number;
  /** Final status we answered (486, or 487 after a CANCEL), whether an ACK came, and whether it was cancelled. */
  finalStatus: number;
  acked: boolean;
  cancelled: boolean;
  /** Trace seqs: the INVITE first, then our answers, the ACK, a CANCEL. */
  traceSeqs: number[];
}

/** What the registration told us about our address (RFC 3581 received/rport) and what we registered. */
export interface RingRegistration {
  contact: string;
  local: Endpoint;
  received?: string;
  rport?: number;
  /** Expires the server granted for our Contact (seconds), when it said. */
  grantedExpiresS?: number;
}

/** A repeat after an idle period (no traffic from us): was the call placed then still delivered? */
export interface RingRound {
  idleS: number;
  /** Seconds since we last sent anything when the user was asked to call again, and when the INVITE arrived. */
  quietAtPromptS: number;
  quietS?: number;
  arrived: boolean;
  /** The binding the server granted would end before this round could: not run. */
  skipped?: string;
}

export type RingOutcome = 'invite-arrived' | 'no-invite' | 'not-registered' | 'cancelled';

export interface RingResult {
  kind: 'ring';
  startedAt: string;
  durationMs: number;
  transport: Transport;
  /** Bound of the wait for a call (seconds), as asked. */
  waitS: number;
  outcome: RingOutcome;
  attempt: AttemptResult;
  registration?: RingRegistration;
  /** Ms from the registration's 2xx to the end of the wait (the whole time the binding was there). */
  waitedMs: number;
  invites: InboundInvite[];
  /** Repeats after idle periods, in order (empty when none were asked for or the first call never came). */
  rounds: RingRound[];
  /** Other inbound requests answered (OPTIONS 200, unknown methods 405 …), counted by method. */
  otherRequests: Record<string, number>;
  /** The binding was removed at the end (Expires 0). */
  unregistered: boolean;
  trace: TraceEvent[];
}

/** One callback the reflector was asked for, as the client saw it. */
export interface CallbackProbe {
  delayS: number;
  /** Whether the reflector's OPTIONS and INVITE reached the registered flow, and when (ms after the 2xx). */
  optionsArrived: boolean;
  inviteArrived: boolean;
  arrivedAfterMs?: number;
  /**
   * Seconds the flow had been quiet (nothing sent by us) when the callback arrived, or when it was
   * due if it never came: answering a callback refreshes the router's mapping, so this, not the
   * delay, is what the router's timeout is compared with.
   */
  quietS: number;
  /** Differences between the INVITE as the reflector sent it and as it arrived (an ALG). */
  rewritten: Array<{ what: string; sent?: string; seen?: string }>;
  traceSeqs: number[];
}

export interface CallbackResult {
  kind: 'callback';
  startedAt: string;
  durationMs: number;
  transport: Transport;
  reflector: Endpoint;
  registered: boolean;
  detail: string;
  registration?: RingRegistration;
  probes: CallbackProbe[];
  /** Longest quiet time after which a callback still arrived, and shortest after which none did (seconds). */
  openAtLeastS?: number;
  closedByS?: number;
  trace: TraceEvent[];
}

/** Progress of a ring test, for the CLI and the app. */
export type RingProgress =
  | { type: 'step'; text: string }
  /** Registered: the user should call `aor` now; `contact` is where the server will send the call. */
  | { type: 'waiting'; aor: string; waitS: number; transport: Transport; contact: string; round?: number }
  /** Staying quiet for `seconds` before asking for the next call. */
  | { type: 'idle'; seconds: number; round: number }
  | { type: 'invite'; invite: InboundInvite }
  | { type: 'unregistering' };

/** Longest wait for a call the ring test accepts (seconds). */
export const MAX_RING_WAIT_S = 300;
export const DEFAULT_RING_WAIT_S = 60;

/** A ring test's events in the app: progress, then its result with the findings, or a failure. */
export type RingEvent = { runId: string } & (
  RingProgress | { type: 'done'; result: RingResult; diagnosis: { verdict: string; findings: Finding[] } } | { type: 'failed'; message: string }
);
