// The ring test (issue 12): register the account with the engine's own registration, ask the
// user to call it, and wait a bounded time for the INVITE on the registered flow. The call is never
// accepted (180, then 486: uas.ts), and the binding is removed at the end, also after a cancel.
import { DEFAULT_RING_WAIT_S, MAX_RING_WAIT_S, type RingProgress, type RingResult } from '../../../shared/model/ring.js';
import type { CheckOptions } from '../../../shared/model/check-options.js';
import { hostForSip } from '../../../shared/sip/uri.js';
import type { EngineDeps } from '../deps.js';
import { resolveTargets } from '../dns.js';
import { TraceRecorder } from '../trace-recorder.js';
import { SESSION_ATTEMPT, withListenSession, type ListenSession } from './listen-session.js';
import { TIMER_H_MS } from './uas.js';

export interface RingHooks {
  signal?: AbortSignal;
  onProgress?: (e: RingProgress) => void;
}

/** The wait asked for, bounded to 1 … MAX_RING_WAIT_S seconds. */
export const boundedWaitS = (s: number | undefined): number => Math.min(MAX_RING_WAIT_S, Math.max(1, Math.round(s ?? DEFAULT_RING_WAIT_S)));

/**
 * Waits for the first INVITE within `waitS` (and no longer than the binding the server granted),
 * then until every INVITE transaction has ended (its ACK, at most Timer H).
 */
async function waitForCall(s: ListenSession, waitS: number): Promise<void> {
  const granted = s.registration.grantedExpiresS;
  const until = s.registeredAt + 1000 * Math.min(waitS, granted !== undefined && granted > 0 ? granted : waitS);
  await s.waitUntil(() => s.uas.invites.length > 0, until);
  await s.waitUntil(() => !s.uas.busy, Math.max(until, s.registeredAt) + TIMER_H_MS);
}

export async function ringTest(o: CheckOptions, waitAsked: number | undefined, deps: EngineDeps, hooks: RingHooks = {}): Promise<RingResult> {
  const t0 = deps.clock.now();
  const startedAt = new Date().toISOString();
  const waitS = boundedWaitS(waitAsked);
  const trace = new TraceRecorder(deps.clock, t0);
  const transport = o.transports[0] ?? 'udp';
  const domain = o.domain ?? o.server;
  const signal = hooks.signal ?? new AbortController().signal;
  const say = (text: string): void => hooks.onProgress?.({ type: 'step', text });
  const resolution = await resolveTargets({
    server: o.server, ports: o.ports ?? {}, transports: [transport], resolver: deps.resolver, now: deps.clock.now,
    onStep: (st) => say(`${st.type} ${st.query}: ${st.error ?? (st.answers.join(', ') || 'no records')}`),
  });
  const target = resolution.targets[transport]?.[0] ?? { host: o.server, address: '', port: o.ports?.[transport] ?? 0 };
  let session: ListenSession | undefined;
  let waitedMs = 0;
  const reported = new Set<number>();
  const attempt = !target.address
    ? { ...emptyAttempt(transport, target), detail: resolution.errors[transport] ?? 'no address' }
    : await withListenSession({
      transport, target, account: { user: o.user, authUser: o.authUser ?? o.user, domain, password: o.password }, localPort: o.sourcePort,
      holdS: waitS, tlsVerify: o.tlsVerify ?? true, caPem: o.caPem, deps, trace, signal, onStep: say,
    }, async (s) => {
      session = s;
      hooks.onProgress?.({ type: 'waiting', aor: `${o.user}@${hostForSip(domain)}`, waitS, transport, contact: s.registration.contact });
      const announce = (): void => s.uas.invites.forEach((invite, i) => !reported.has(i) && (reported.add(i), hooks.onProgress?.({ type: 'invite', invite })));
      const stopAnnouncing = s.uas.watch(announce);
      await waitForCall(s, waitS).finally(stopAnnouncing);
      waitedMs = Math.round(trace.elapsed() - s.registeredAt);
      hooks.onProgress?.({ type: 'unregistering' });
    });
  const invites = session?.uas.invites ?? [];
  return {
    kind: 'ring', startedAt, durationMs: Math.round(deps.clock.now() - t0), transport, waitS,
    outcome: attempt.outcome !== 'registered' ? 'not-registered' : invites.length ? 'invite-arrived' : signal.aborted ? 'cancelled' : 'no-invite',
    attempt, registration: session?.registration, waitedMs, invites: [...invites], otherRequests: { ...session?.uas.otherRequests },
    unregistered: attempt.unregistered === true, trace: [...trace.events],
  };
}

function emptyAttempt(transport: RingResult['transport'], target: RingResult['attempt']['target']): RingResult['attempt'] {
  return {
    id: SESSION_ATTEMPT, label: `${transport.toUpperCase()} registration`, transport, target, sourcePortMode: 'ephemeral', rport: true,
    outcome: 'dns-failure', detail: '', durationMs: 0, startedAt: 0, requestsSent: 0, retransmissions: 0, responsesFromElsewhere: [], traceSeqs: [],
  };
}
