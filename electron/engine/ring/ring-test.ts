// The ring test (issue 12): register the account with the engine's own registration, ask the
// user to call it, and wait a bounded time for the INVITE on the registered flow. The call is never
// accepted (180, then 486: uas.ts), and the binding is removed at the end, also after a cancel.
import { DEFAULT_RING_WAIT_S, MAX_RING_WAIT_S, type RingProgress, type RingResult, type RingRound } from '../../../shared/model/ring.js';
import { MAX_CALLBACK_DELAY_S, MAX_CALLBACKS_PER_SCHEDULE } from '../../reflector/callback-protocol.js';
import type { CheckOptions } from '../../../shared/model/check-options.js';
import { hostForSip } from '../../../shared/sip/uri.js';
import type { Transport } from '../../../shared/model/trace.js';
import type { EngineDeps } from '../deps.js';
import { resolveTargets, unresolvedAttempt } from '../dns.js';
import { TraceRecorder } from '../trace-recorder.js';
import { SESSION_ATTEMPT, withListenSession, type ListenSession } from './listen-session.js';
import { TIMER_H_MS } from './uas.js';

export interface RingHooks {
  signal?: AbortSignal;
  onProgress?: (e: RingProgress) => void;
}

/** The wait asked for, bounded to 1 … MAX_RING_WAIT_S seconds. */
export const boundedWaitS = (s: number | undefined): number => Math.min(MAX_RING_WAIT_S, Math.max(1, Math.round(s ?? DEFAULT_RING_WAIT_S)));

/** Waits for an INVITE beyond the first `before` until run ms `untilAt`, then until every INVITE transaction has ended (its ACK, at most Timer H). */
async function waitForCall(s: ListenSession, before: number, untilAt: number): Promise<void> {
  await s.waitUntil(() => s.uas.invites.length > before, untilAt);
  await s.waitUntil(() => !s.uas.busy, untilAt + TIMER_H_MS);
}

/** Seconds since the session last sent anything, at run ms `t`. */
function quietAt(trace: TraceRecorder, t: number): number {
  const last = trace.events.filter((e) => e.attempt === SESSION_ATTEMPT && e.kind === 'sent' && e.t <= t).at(-1);
  return Math.round((t - (last?.t ?? t)) / 100) / 10;
}

interface Rounds {
  waitS: number;
  idleS: number[];
  trace: TraceRecorder;
  ask(round: number): void;
  idle(seconds: number, round: number): void;
}

/**
 * The first call within `waitS` (and the binding the server granted); then, if it came, for each idle
 * period: stay quiet that long, ask for another call, wait again. A call during the quiet time is still answered.
 */
async function callRounds(s: ListenSession, o: Rounds): Promise<RingRound[]> {
  const granted = s.registration.grantedExpiresS;
  const expiresAt = granted !== undefined && granted > 0 ? s.registeredAt + granted * 1000 : Infinity;
  o.ask(0);
  await waitForCall(s, 0, Math.min(s.registeredAt + o.waitS * 1000, expiresAt));
  const rounds: RingRound[] = [];
  for (const [i, idleS] of o.idleS.entries()) {
    if (s.uas.invites.length === 0 || s.aborted()) break;
    const now = o.trace.elapsed();
    if (now + (idleS + o.waitS) * 1000 > expiresAt) {
      rounds.push({ idleS, quietAtPromptS: 0, arrived: false, skipped: `the server's binding (${granted} s) ends before this round` });
      break;
    }
    const before = s.uas.invites.length;
    o.idle(idleS, i + 1);
    await s.waitUntil(() => false, now + idleS * 1000);
    const promptAt = o.trace.elapsed();
    o.ask(i + 1);
    await waitForCall(s, before, promptAt + o.waitS * 1000);
    const invite = s.uas.invites[before];
    rounds.push({
      idleS,
      quietAtPromptS: quietAt(o.trace, promptAt),
      arrived: invite !== undefined,
      ...(invite ? { quietS: quietAt(o.trace, invite.at - 0.001) } : {}),
    });
  }
  return rounds;
}

/** Idle periods asked for: at most MAX_CALLBACKS_PER_SCHEDULE, each 1 … MAX_CALLBACK_DELAY_S seconds (the callback test's bounds). */
export function boundedIdle(idleS: number[]): number[] {
  return idleS.filter((d) => Number.isInteger(d) && d >= 1 && d <= MAX_CALLBACK_DELAY_S).slice(0, MAX_CALLBACKS_PER_SCHEDULE);
}

interface CallListening {
  aor: string;
  waitS: number;
  idleS: number[];
  transport: Transport;
  trace: TraceRecorder;
  hooks: RingHooks;
}

/** While registered: tells the user to call (once per round), reports each INVITE as it arrives, then says the binding goes. */
async function listenForCalls(s: ListenSession, l: CallListening): Promise<{ rounds: RingRound[]; waitedMs: number }> {
  const { hooks, waitS } = l;
  const ask = (round: number): void =>
    hooks.onProgress?.({ type: 'waiting', aor: l.aor, waitS, transport: l.transport, contact: s.registration.contact, ...(round ? { round } : {}) });
  const reported = new Set<number>();
  const announce = (): void => s.uas.invites.forEach((invite, i) => !reported.has(i) && (reported.add(i), hooks.onProgress?.({ type: 'invite', invite })));
  const stopAnnouncing = s.uas.watch(announce);
  const idle = (seconds: number, round: number): void => hooks.onProgress?.({ type: 'idle', seconds, round });
  const rounds = await callRounds(s, { waitS, idleS: l.idleS, trace: l.trace, ask, idle }).finally(stopAnnouncing);
  const waitedMs = Math.round(l.trace.elapsed() - s.registeredAt);
  hooks.onProgress?.({ type: 'unregistering' });
  return { rounds, waitedMs };
}

export async function ringTest(
  o: CheckOptions,
  waitAsked: number | undefined,
  deps: EngineDeps,
  hooks: RingHooks = {},
  idleAsked: number[] = [],
): Promise<RingResult> {
  const t0 = deps.clock.now();
  const startedAt = new Date().toISOString();
  const waitS = boundedWaitS(waitAsked);
  const idleS = boundedIdle(idleAsked);
  const trace = new TraceRecorder(deps.clock, t0);
  const transport = o.transports[0] ?? 'udp';
  const domain = o.domain ?? o.server;
  const signal = hooks.signal ?? new AbortController().signal;
  const say = (text: string): void => hooks.onProgress?.({ type: 'step', text });
  const resolution = await resolveTargets({
    server: o.server,
    ports: o.ports ?? {},
    transports: [transport],
    resolver: deps.resolver,
    now: deps.clock.now,
    onStep: (st) => say(`${st.type} ${st.query}: ${st.error ?? (st.answers.join(', ') || 'no records')}`),
  });
  const target = resolution.targets[transport]?.[0] ?? { host: o.server, address: '', port: o.ports?.[transport] ?? 0 };
  let session: ListenSession | undefined;
  let waitedMs = 0;
  let rounds: RingRound[] = [];
  const attempt = !target.address
    ? unresolvedAttempt({
        id: SESSION_ATTEMPT,
        label: `${transport.toUpperCase()} registration`,
        transport,
        target,
        detail: resolution.errors[transport] ?? 'no address',
      })
    : await withListenSession(
        {
          transport,
          target,
          account: { user: o.user, authUser: o.authUser ?? o.user, domain, password: o.password },
          localPort: o.sourcePort,
          holdS: waitS + idleS.reduce((sum, d) => sum + d + waitS, 0),
          tlsVerify: o.tlsVerify ?? true,
          caPem: o.caPem,
          deps,
          trace,
          signal,
          onStep: say,
        },
        async (s) => {
          session = s;
          ({ rounds, waitedMs } = await listenForCalls(s, { aor: `${o.user}@${hostForSip(domain)}`, waitS, idleS, transport, trace, hooks }));
        },
      );
  const invites = session?.uas.invites ?? [];
  return {
    kind: 'ring',
    startedAt,
    durationMs: Math.round(deps.clock.now() - t0),
    transport,
    waitS,
    outcome: attempt.outcome !== 'registered' ? 'not-registered' : invites.length ? 'invite-arrived' : signal.aborted ? 'cancelled' : 'no-invite',
    attempt,
    registration: session?.registration,
    waitedMs,
    invites: [...invites],
    rounds,
    otherRequests: { ...session?.uas.otherRequests },
    unregistered: attempt.unregistered === true,
    trace: [...trace.events],
  };
}
