// Orchestrates a full check: resolve the server (RFC 3263), plan the attempt matrix, run every
// attempt concurrently under one deadline and the run-wide safety guards, and collect the trace.
import { RESULTS_SCHEMA_VERSION, type AttemptResult, type CheckResult } from '../../shared/model/results.js';
import type { CheckOptions } from '../../shared/model/check-options.js';
import type { Transport } from '../../shared/model/trace.js';
import type { ProgressEvent } from '../../shared/model/progress.js';
import type { EngineDeps } from './deps.js';
import { dnsTraceEvent, resolveTargets, unresolvedAttempt, type Resolution } from './dns.js';
import { runRegisterAttempt, type AttemptPlan } from './register-attempt.js';
import { AuthGate, RateLimiter } from './safety.js';
import { TraceRecorder } from './trace-recorder.js';
import { TOOL_VERSION } from './version.js';
import { runPathProbes, SIP_PORT } from './path-probes.js';

/**
 * Every registration attempt ends by this time after the start, whatever the network does; removing
 * a binding may add UNREGISTER_DEADLINE_MS. Path probes run afterwards, each with its own bound.
 */
export const CHECK_DEADLINE_MS = 8000;

export type { ProgressEvent };

export interface CheckHooks {
  signal?: AbortSignal;
  onProgress?: (e: ProgressEvent) => void;
}

export function planAttempts(
  transports: Transport[],
  targets: Partial<Record<Transport, Array<{ host: string; address: string; port: number }>>>,
  o: CheckOptions,
): AttemptPlan[] {
  const plans: AttemptPlan[] = [];
  const add = (p: Omit<AttemptPlan, 'id'>): void => void plans.push({ id: plans.length + 1, ...p });
  for (const transport of transports) {
    (targets[transport] ?? []).forEach((target, i) => {
      const where = i === 0 ? '' : ` (${target.host})`;
      if (transport === 'udp' && i === 0) {
        // The source-port matrix of seed 000: fixed 5060 vs ephemeral, with and without rport (RFC 3581).
        const fixed = o.fixedSourcePort ?? SIP_PORT;
        add({ label: `UDP from port ${fixed}`, transport, target, sourcePortMode: 'fixed-5060', localPort: fixed, rport: true });
        add({ label: 'UDP from an ephemeral port', transport, target, sourcePortMode: 'ephemeral', rport: true });
        add({ label: 'UDP from an ephemeral port, no rport', transport, target, sourcePortMode: 'ephemeral', rport: false });
        if (o.sourcePort !== undefined && o.sourcePort !== fixed) {
          add({ label: `UDP from port ${o.sourcePort}`, transport, target, sourcePortMode: 'user', localPort: o.sourcePort, rport: true });
        }
      } else {
        add({ label: `${transport.toUpperCase()}${where}`, transport, target, sourcePortMode: 'ephemeral', rport: true });
      }
    });
  }
  return plans;
}

type PathProbeKey = keyof NonNullable<CheckResult['pathProbes']>;
/** Each path probe's name in the words of an incomplete run's "not finished: …". */
const PROBE_NAMES: Record<PathProbeKey, string> = {
  stun: 'STUN NAT behaviour',
  fragmentation: 'message size / fragmentation',
  alg: 'SIP ALG',
  inbound: 'inbound reachability',
};

/** The path probes that were still running when the run was cancelled at `cancelledAt` (run ms). */
function interruptedProbes(probes: NonNullable<CheckResult['pathProbes']>, trace: TraceRecorder, cancelledAt: number): PathProbeKey[] {
  const startOf = new Map(trace.events.map((e) => [e.seq, e.t]));
  return Object.entries(probes)
    .filter(([, r]) => {
      const starts = r.traceSeqs.map((s) => startOf.get(s) ?? Infinity);
      // A probe that ended before the cancel has all of its run (first event + duration) before it;
      // one that sent nothing at all has measured nothing either.
      return starts.length === 0 || Math.min(...starts) + r.durationMs > cancelledAt;
    })
    .map(([key]) => key as PathProbeKey);
}

/** Marks what a cancelled run did not finish, and leaves out the probes it interrupted (their partial answers mislead). */
function markCancelled(result: CheckResult, trace: TraceRecorder, cancelledAt: number): void {
  const probes = result.pathProbes ? interruptedProbes(result.pathProbes, trace, cancelledAt) : [];
  for (const key of probes) delete result.pathProbes![key];
  if (result.pathProbes && Object.keys(result.pathProbes).length === 0) delete result.pathProbes;
  const attempts = result.attempts.filter((a) => a.outcome === 'aborted').map((a) => a.label);
  const unfinished = [...attempts, ...probes.map((k) => PROBE_NAMES[k])];
  result.incomplete = {
    reason: 'cancelled',
    detail: `cancelled by the user after ${(cancelledAt / 1000).toFixed(2)} s${unfinished.length ? `; not finished: ${unfinished.join(', ')}` : ''}`,
  };
}

/** One 'dns-failure' attempt per transport whose name did not resolve (ids after the planned attempts). */
function dnsFailureAttempts(o: CheckOptions, resolution: Resolution, firstId: number): AttemptResult[] {
  return o.transports
    .filter((t) => resolution.errors[t])
    .map((t, i) =>
      unresolvedAttempt({
        id: firstId + i,
        label: t.toUpperCase(),
        transport: t,
        target: { host: o.server, address: '', port: o.ports?.[t] ?? 0 },
        detail: resolution.errors[t]!,
      }),
    );
}

interface MatrixContext {
  deps: EngineDeps;
  trace: TraceRecorder;
  rate: RateLimiter;
  auth: AuthGate;
  signal: AbortSignal;
  deadlineAt: number;
  o: CheckOptions;
  domain: string;
  hooks: CheckHooks;
}

/** The registration matrix: every planned attempt at once (the rate limiter and auth gate pace them), progress as each ends. */
function runMatrix(plans: AttemptPlan[], c: MatrixContext): Promise<AttemptResult[]> {
  const { deps, trace, rate, auth, deadlineAt, o, domain, hooks } = c;
  return Promise.all(
    plans.map((plan) => {
      hooks.onProgress?.({ type: 'attempt-started', attempt: plan.id, label: plan.label });
      return runRegisterAttempt({
        plan,
        deps,
        trace,
        rate,
        auth,
        signal: c.signal,
        deadlineAt,
        account: { user: o.user, authUser: o.authUser ?? o.user, domain, password: o.password },
        tlsVerify: o.tlsVerify ?? true,
        caPem: o.caPem,
        wsPath: o.wsPath ?? '/',
        onStep: (attempt, text) => hooks.onProgress?.({ type: 'attempt-step', attempt, text }),
      }).then((r) => {
        if (r.outcome === 'aborted' && !hooks.signal?.aborted) r.outcome = 'no-response';
        hooks.onProgress?.({ type: 'attempt-finished', attempt: r.id, outcome: r.outcome, durationMs: r.durationMs });
        return r;
      });
    }),
  );
}

export async function check(o: CheckOptions, deps: EngineDeps, hooks: CheckHooks = {}): Promise<CheckResult> {
  const t0 = deps.clock.now();
  const startedAt = new Date().toISOString();
  const trace = new TraceRecorder(deps.clock, t0);
  const run = new AbortController();
  let cancelledAt: number | null = null;
  const stopOnUser = (): void => {
    cancelledAt = trace.elapsed();
    run.abort(hooks.signal?.reason);
  };
  hooks.signal?.addEventListener('abort', stopOnUser, { once: true });
  const cancelDeadline = deps.clock.setTimer(() => run.abort(new Error('check deadline')), CHECK_DEADLINE_MS);
  const domain = o.domain ?? o.server;
  try {
    const resolution = await resolveTargets({
      server: o.server,
      ports: o.ports ?? {},
      transports: o.transports,
      resolver: deps.resolver,
      now: deps.clock.now,
      onStep: (s) => {
        const event = dnsTraceEvent(s);
        trace.add(event);
        hooks.onProgress?.({ type: 'dns', text: event.note });
      },
    });
    const plans = planAttempts(o.transports, resolution.targets, o);
    const rate = new RateLimiter(deps.clock);
    const auth = new AuthGate();
    const deadlineAt = t0 + CHECK_DEADLINE_MS;
    const dnsFailures = dnsFailureAttempts(o, resolution, plans.length + 1);
    const attempts = await runMatrix(plans, { deps, trace, rate, auth, signal: run.signal, deadlineAt, o, domain, hooks });
    const summary = (): CheckResult => ({
      schemaVersion: RESULTS_SCHEMA_VERSION,
      tool: { name: 'sipladder', version: TOOL_VERSION },
      startedAt,
      durationMs: Math.round(deps.clock.now() - t0),
      account: {
        server: o.server,
        domain,
        user: o.user,
        authUser: o.authUser ?? o.user,
        transports: o.transports,
        passwordGiven: o.password !== undefined,
        ...(o.ports && Object.keys(o.ports).length ? { ports: o.ports } : {}),
      },
      dns: resolution.steps,
      attempts: [...attempts, ...dnsFailures],
      authFailures: auth.failureCount,
      trace: [...trace.events],
    });
    const answered = new Set(attempts.filter((a) => a.status !== undefined).map((a) => a.transport));
    const probing = !o.skipPathProbes && cancelledAt === null;
    // The matrix alone usually knows the verdict (≈ 1 s): show it while the path probes run.
    if (probing)
      hooks.onProgress?.({
        type: 'matrix-finished',
        result: { ...summary(), incomplete: { reason: 'path-probes-running', detail: 'the network path probes are still running' } },
      });
    const pathProbes = probing
      ? await runPathProbes(o, deps, trace, rate, plans.length + dnsFailures.length + 1, resolution.targets, answered, hooks)
      : undefined;
    const result: CheckResult = { ...summary(), ...(pathProbes && Object.keys(pathProbes).length ? { pathProbes } : {}) };
    if (cancelledAt !== null) markCancelled(result, trace, cancelledAt);
    return result;
  } finally {
    cancelDeadline();
    hooks.signal?.removeEventListener('abort', stopOnUser);
  }
}
