// Register one account with the engine's own registration (register-attempt.ts: digest, run-wide
// auth budget, rate limit, removal with Expires 0) and keep its flow open while the binding
// exists, answering whatever requests reach it (uas.ts). Both the ring test and the reflector
// callback probe run on this: they differ only in what they wait for.
import type { SipRequest, SipResponse } from '../../../shared/sip/message.js';
import { parseMessage } from '../../../shared/sip/parse.js';
import { idSource } from '../../../shared/sip/ids.js';
import type { RingRegistration } from '../../../shared/model/ring.js';
import type { AttemptResult } from '../../../shared/model/results.js';
import type { Endpoint, Transport } from '../../../shared/model/trace.js';
import { interruptibleWait, type EngineDeps } from '../deps.js';
import type { Target } from '../dns.js';
import { runRegisterAttempt } from '../register-attempt.js';
import { AuthGate, RateLimiter } from '../safety.js';
import type { SipChannel } from '../transports/channel.js';
import type { TraceRecorder } from '../trace-recorder.js';
import { InboundUas } from './uas.js';

/** Time for the registration itself (challenge and answer, with UDP retransmissions). */
export const REGISTER_PHASE_MS = 8000;
/** The binding outlives the wait by this much, so it never lapses while we still listen. */
export const EXPIRES_MARGIN_S = 30;
/** The trace's attempt id of the session (one attempt per run). */
export const SESSION_ATTEMPT = 1;

export interface SessionOptions {
  transport: Transport;
  target: Target;
  account: { user: string; authUser: string; domain: string; password?: string };
  localPort?: number;
  /** How long the binding must last (seconds); the REGISTER asks for this plus EXPIRES_MARGIN_S. */
  holdS: number;
  tlsVerify: boolean;
  caPem?: string;
  deps: EngineDeps;
  trace: TraceRecorder;
  signal: AbortSignal;
  onStep?: (text: string) => void;
}

/** What a session's user gets while the binding exists. */
export interface ListenSession {
  registration: RingRegistration;
  /** The registrar's 2xx (the reflector's carries its cookie). */
  accepted: SipResponse;
  /** Run ms when the 2xx arrived. */
  registeredAt: number;
  uas: InboundUas;
  channel: SipChannel;
  /** Waits until `done()` holds, the run time `untilAt` passes (run ms), or the signal fires. */
  waitUntil(done: () => boolean, untilAt: number): Promise<void>;
  /** Responses to requests of our own on the flow (Call-IDs we registered with `claim`), in arrival order. */
  claim(callId: string): SipResponse[];
  /** Sends bytes on the flow and traces them; returns the trace seq. */
  send(bytes: Uint8Array, note: string, to?: Endpoint): number;
  rate: RateLimiter;
  /** The run was cancelled. */
  aborted(): boolean;
}

const isResponse = (bytes: Uint8Array): boolean => bytes.length > 8 && String.fromCharCode(...bytes.subarray(0, 8)) === 'SIP/2.0 ';

/** The Contact we registered and what the 2xx told us about our address (RFC 3581 §4) and the binding's lifetime. */
function registrationFacts(sentRegister: Uint8Array | undefined, accepted: SipResponse, local: Endpoint): RingRegistration {
  const sent = sentRegister ? parseMessage(sentRegister) : undefined;
  const contact = sent?.ok && sent.message.contact !== '*' ? (sent.message.contact[0]?.uri.raw ?? '') : '';
  const via = accepted.via[0];
  const ours = accepted.contact === '*' ? undefined : (accepted.contact.find((c) => c.uri.raw === contact) ?? accepted.contact[0]);
  const expires = Number(ours?.params.expires ?? accepted.headers.find((h) => h.key === 'expires')?.value);
  return {
    contact,
    local,
    received: via?.params.received ?? undefined,
    rport: via?.params.rport ? Number(via.params.rport) : undefined,
    ...(Number.isFinite(expires) ? { grantedExpiresS: expires } : {}),
  };
}

/**
 * The engine's dependencies with the flow's messages diverted: what `forRegistration` says goes to
 * the registration's transaction, everything else (requests, our own transactions' responses) stays
 * with the session. `opened` sees the channel first and may wrap it.
 */
function divertFlow(deps: EngineDeps, forRegistration: (bytes: Uint8Array, from: Endpoint) => boolean, opened: (c: SipChannel) => SipChannel): EngineDeps {
  return {
    ...deps,
    openChannel: async (opts) => {
      const result = await deps.openChannel({
        ...opts,
        handlers: { ...opts.handlers, message: (bytes, from) => void (forRegistration(bytes, from) ? opts.handlers.message(bytes, from) : undefined) },
      });
      if (result.ok) result.channel = opened(result.channel);
      return result;
    },
  };
}

/** The flow's state, shared by the diversion (which fills it) and the session (which uses it). */
interface FlowState {
  channel?: SipChannel;
  /** The first REGISTER sent: its Contact is the one the binding is for. */
  firstRegister?: Uint8Array;
  session?: ListenSession;
  /** Call-IDs of our own requests on the flow, with their responses so far. */
  claimed: Map<string, SipResponse[]>;
  /** Wakes a pending waitUntil (a message arrived). */
  wake: () => void;
  /** Traces a message of the session's flow; returns its seq. */
  record: (kind: 'sent' | 'received', bytes: Uint8Array, peer: Endpoint, note?: string) => number;
}

/** The session over an accepted registration: its UAS answers requests, its send traces what goes out. */
function openSession(o: SessionOptions, flow: FlowState, accepted: SipResponse, rate: RateLimiter): ListenSession {
  const { deps, trace } = o;
  const c = flow.channel!;
  const ids = idSource(deps.random);
  const registeredAt = trace.elapsed();
  const registration = registrationFacts(flow.firstRegister, accepted, c.local);
  const uas = new InboundUas({
    clock: deps.clock,
    transport: o.transport,
    elapsed: () => trace.elapsed(),
    registeredAt,
    contact: registration.contact,
    registrar: c.remote,
    toTag: () => ids.tag(),
    send: (bytes, note, to) => session.send(bytes, note, to),
    onChange: () => flow.wake(),
  });
  const session: ListenSession = {
    registration,
    accepted,
    registeredAt,
    uas,
    channel: c,
    rate,
    aborted: () => o.signal.aborted,
    send: (bytes, note, to) => {
      if (to && c.sendTo && (to.address !== c.remote.address || to.port !== c.remote.port)) c.sendTo(bytes, to);
      else c.send(bytes);
      return flow.record('sent', bytes, to && c.sendTo ? to : c.remote, note);
    },
    claim: (callId) => flow.claimed.get(callId) ?? flow.claimed.set(callId, []).get(callId)!,
    waitUntil: async (done, untilAt) => {
      while (!done() && !o.signal.aborted && trace.elapsed() < untilAt) {
        const w = interruptibleWait(deps.clock, untilAt - trace.elapsed(), o.signal);
        flow.wake = w.wake;
        await w.done;
      }
      flow.wake = () => undefined;
    },
  };
  return session;
}

/**
 * A message on the flow that is not the registration's: a response to a claimed Call-ID goes to
 * the session, a request to its UAS. False when it is neither (it then goes to the registration).
 */
function takeInbound(o: SessionOptions, flow: FlowState, bytes: Uint8Array, from: Endpoint): boolean {
  const parsed = parseMessage(bytes);
  if (!parsed.ok) return false;
  const m = parsed.message;
  if (m.kind === 'response') {
    const mine = m.callId !== undefined ? flow.claimed.get(m.callId) : undefined;
    if (!mine) return false;
    flow.record('received', bytes, from);
    mine.push(m);
    flow.wake();
    return true;
  }
  const seq = flow.record('received', bytes, from);
  if (flow.session && flow.channel) flow.session.uas.handle(m as SipRequest, seq, from, flow.channel.local);
  else o.trace.add({ attempt: SESSION_ATTEMPT, kind: 'socket', note: `${m.method} arrived before the registration was accepted: not answered` });
  return true;
}

/** A response whose Call-ID the session claimed (read from the raw bytes: the registration's responses are parsed by their transaction). */
function isClaimedResponse(flow: FlowState, bytes: Uint8Array): boolean {
  const m = /\r\n(?:Call-ID|i)\s*:\s*([^\r\n]+)/i.exec(new TextDecoder().decode(bytes.subarray(0, 4096)));
  return m !== null && flow.claimed.has(m[1]!.trim());
}

/**
 * Registers, runs `use` while the binding exists, then removes the binding (always, also after a
 * cancel). Requests that reach the flow go to the session's UAS; responses with a claimed Call-ID
 * to the session; every other response to the registration.
 */
export async function withListenSession(o: SessionOptions, use: (s: ListenSession) => Promise<void>): Promise<AttemptResult> {
  const { deps, trace } = o;
  const rate = new RateLimiter(deps.clock);
  const flow: FlowState = {
    claimed: new Map(),
    wake: () => undefined,
    record: (kind, bytes, peer, note) =>
      trace.add({ attempt: SESSION_ATTEMPT, kind, transport: o.transport, local: flow.channel?.local, remote: peer, bytes, note }),
  };
  const divertingDeps = divertFlow(
    deps,
    (bytes, from) => (isResponse(bytes) && !isClaimedResponse(flow, bytes)) || !takeInbound(o, flow, bytes, from),
    (c) => {
      flow.channel = c;
      return { ...c, send: (b) => ((flow.firstRegister ??= b), c.send(b)) };
    },
  );
  const attempt = await runRegisterAttempt({
    plan: {
      id: SESSION_ATTEMPT,
      label: `${o.transport.toUpperCase()} registration`,
      transport: o.transport,
      target: o.target,
      sourcePortMode: o.localPort !== undefined ? 'user' : 'ephemeral',
      localPort: o.localPort,
      rport: true,
      expires: o.holdS + EXPIRES_MARGIN_S,
    },
    account: o.account,
    deps: divertingDeps,
    trace,
    rate,
    auth: new AuthGate(),
    signal: o.signal,
    deadlineAt: deps.clock.now() + REGISTER_PHASE_MS,
    tlsVerify: o.tlsVerify,
    caPem: o.caPem,
    wsPath: '/',
    onStep: (_, text) => o.onStep?.(text),
    whileRegistered: async (accepted) => {
      const session = (flow.session = openSession(o, flow, accepted, rate));
      try {
        await use(session);
      } finally {
        session.uas.close();
      }
    },
  });
  // The attempt's evidence is the whole flow: the registration and what the session received and sent.
  const own = trace.events.filter((e) => e.attempt === SESSION_ATTEMPT).map((e) => e.seq);
  attempt.traceSeqs = [...new Set([...attempt.traceSeqs, ...own])].sort((a, b) => a - b);
  return attempt;
}
