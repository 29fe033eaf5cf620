// Path probes after the registration matrix (README "Network path probes"): they tell *why* a path
// fails. Each probe is bounded on its own; this file decides which run, against what, and when.
import type { CheckResult } from '../../shared/model/results.js';
import type { CheckOptions } from '../../shared/model/check-options.js';
import type { Transport } from '../../shared/model/trace.js';
import type { EngineDeps } from './deps.js';
import type { Target } from './dns.js';
import { RateLimiter } from './safety.js';
import type { TraceRecorder } from './trace-recorder.js';
import type { CheckHooks } from './check.js';
import type { FinishedProbe } from '../../shared/model/progress.js';
import { isIP } from 'node:net';
import { DEFAULT_STUN_PORT, probeStunNat } from './probes/stun-nat.js';
import { probeFragmentation } from './probes/fragmentation.js';
import { probeAlg } from './probes/alg.js';
import { probeInbound } from './probes/inbound.js';

/** The classic SIP port whose inbound UDP some ISPs filter (seed story 000). */
export const SIP_PORT = 5060;
/** Default port of the SIP Ladder reflector (`sipladder reflector`). */
export const REFLECTOR_PORT = 5099;

/**
 * Requests each probe may send to the reflector in any REFLECTOR_WINDOW_MS. The reflector answers
 * one source at most 100 times per 10 s (electron/reflector/budget.ts); these shares add up to well
 * under that. Each probe has its own limiter, so none waits behind another's series (the ALG
 * probe's TCP check used to wait behind the fragmentation probe past ALG_WAIT_MS). The registrar
 * is not ours: against it the run's shared limit (8 requests/s per address) applies.
 */
export const REFLECTOR_SHARES = { fragmentation: 44, alg: 14, inbound: 8 } as const;
export const REFLECTOR_WINDOW_MS = 10_000;

/**
 * Deps whose fixed local ports (5060) are bound only once `before` has settled; ephemeral ports at
 * once. Two probes that bind the same local port would otherwise fail one another (EADDRINUSE).
 */
export function fixedPortsAfter(deps: EngineDeps, before: Promise<unknown>, signal: AbortSignal): EngineDeps {
  const turn = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const onAbort = (): void => reject(signal.reason);
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      // Settled either way: a probe that failed no longer holds the port.
      const done = (): void => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      before.then(done, done);
    });
  return {
    ...deps,
    openUdpEndpoint: async (o) => {
      if (o.localPort) await turn();
      return deps.openUdpEndpoint(o);
    },
    openChannel: async (o) => {
      if (o.localPort) await turn();
      return deps.openChannel(o);
    },
  };
}

/** The address of a host the user named for a probe ('' when it does not resolve). */
async function resolveAddress(deps: EngineDeps, host: string): Promise<string> {
  return isIP(host) ? host : ((await deps.resolver.addresses(host).catch(() => [] as string[]))[0] ?? '');
}

type PathProbes = NonNullable<CheckResult['pathProbes']>;

/** What every path probe of one run shares. */
interface PathRun {
  o: CheckOptions;
  deps: EngineDeps;
  trace: TraceRecorder;
  firstId: number;
  signal: AbortSignal;
  /** The reflector's address, looked up once for the three probes that use it ('' without one). */
  reflectorAddress: Promise<string>;
  fixedPort: number;
}

const reflectorRate = (c: PathRun, share: number): RateLimiter => new RateLimiter(c.deps.clock, share, REFLECTOR_WINDOW_MS);

/** What the inbound and ALG probes take from their run: the account's names, deps, trace, their share of the reflector's rate, their attempt id. */
function reflectorProbeEnv(c: PathRun, share: number, attemptOffset: number) {
  const { o, deps, trace, signal } = c;
  return { user: o.user, domain: o.domain ?? o.server, deps, trace, rate: reflectorRate(c, share), attempt: c.firstId + attemptOffset, signal };
}

/** A reflector probe's result when the reflector's name gave no address: nothing was sent. */
const unresolvedReflector = (host: string, port: number) => ({
  target: { host, address: '', port },
  outcome: 'error' as const,
  checks: [],
  durationMs: 0,
  traceSeqs: [],
});

function inboundProbe(c: PathRun, reflector: { host: string; port?: number }): () => Promise<NonNullable<PathProbes['inbound']>> {
  return async () => {
    const address = await c.reflectorAddress;
    const port = reflector.port ?? REFLECTOR_PORT;
    if (!address) return unresolvedReflector(reflector.host, port);
    return probeInbound({ host: reflector.host, address, port, localPorts: [c.fixedPort, undefined], ...reflectorProbeEnv(c, REFLECTOR_SHARES.inbound, 3) });
  };
}

function algProbe(c: PathRun, reflector: { host: string; port?: number }): () => Promise<NonNullable<PathProbes['alg']>> {
  return async () => {
    const address = await c.reflectorAddress;
    const ports = [...new Set([SIP_PORT, reflector.port ?? REFLECTOR_PORT])];
    if (!address) return unresolvedReflector(reflector.host, ports[0]!);
    return probeAlg({ host: reflector.host, address, ports, ...reflectorProbeEnv(c, REFLECTOR_SHARES.alg, 2) });
  };
}

/** `stunDeps` bind local port 5060 only once inbound reachability has released it. */
function stunProbe(c: PathRun, stun: { host: string; port?: number }, stunDeps: EngineDeps): () => Promise<NonNullable<PathProbes['stun']>> {
  return async () => {
    const { o, deps, trace, signal } = c;
    const port = stun.port ?? DEFAULT_STUN_PORT;
    const address = await resolveAddress(deps, stun.host);
    if (!address) {
      const server = { host: stun.host, address: '', port };
      return {
        server,
        outcome: 'error' as const,
        detail: `cannot resolve STUN server ${stun.host}`,
        portPreservation: [],
        skipped: [],
        durationMs: 0,
        traceSeqs: [],
      };
    }
    // The reflector the user named answers only padded Bindings at first; any other server gets plain ones.
    const padFirst = !!o.reflector && (await c.reflectorAddress) === address;
    return probeStunNat({
      host: stun.host,
      address,
      port,
      preservePorts: [c.fixedPort],
      bindingLifetimeS: o.bindingLifetimeS ?? 0,
      padFirst,
      deps: stunDeps,
      trace,
      attempt: c.firstId,
      signal,
    });
  };
}

/** Against the reflector when there is one (it can size its responses), else the registrar over what answered. */
function fragmentationProbe(c: PathRun, target: Target, rate: RateLimiter, answered: Set<Transport>): () => Promise<NonNullable<PathProbes['fragmentation']>> {
  return async () => {
    const { o, deps, trace, signal } = c;
    const address = target.address || (await c.reflectorAddress);
    // Against the registrar, only where it answered at all: silence is already known and costs seconds per size.
    const transports = (['udp', 'tcp'] as const).filter((t) => o.reflector || answered.has(t));
    const notRun = (outcome: 'no-response' | 'error', detail: string) => ({
      target: { ...target, address },
      outcome,
      detail,
      series: [],
      skipped: [],
      durationMs: 0,
      traceSeqs: [],
    });
    if (transports.length === 0) return notRun('no-response', 'not run: the registrar answered neither UDP nor TCP');
    if (!address) return notRun('error', `cannot resolve ${target.host}`);
    return probeFragmentation({
      target: { ...target, address },
      domain: o.domain ?? o.server,
      user: o.user,
      transports,
      reflector: !!o.reflector,
      caPem: o.caPem,
      deps,
      trace,
      rate: o.reflector ? reflectorRate(c, REFLECTOR_SHARES.fragmentation) : rate,
      attempt: c.firstId + 1,
      signal,
    });
  };
}

/** Path probes after the registration matrix; each is bounded on its own (README "Time bounds"). */
export async function runPathProbes(
  o: CheckOptions,
  deps: EngineDeps,
  trace: TraceRecorder,
  rate: RateLimiter,
  firstId: number,
  targets: Partial<Record<Transport, Target[]>>,
  answered: Set<Transport>,
  hooks: CheckHooks,
): Promise<PathProbes> {
  const signal = hooks.signal ?? new AbortController().signal;
  const out: PathProbes = {};
  // Each probe's result goes out as it ends, with the trace events it cites: the app's findings
  // grow probe by probe instead of waiting for the slowest. A cancelled run's later ends say nothing.
  const timed = async <K extends keyof PathProbes>(
    key: K,
    probe: string,
    run: () => Promise<NonNullable<PathProbes[K]>>,
  ): Promise<NonNullable<PathProbes[K]>> => {
    hooks.onProgress?.({ type: 'probe-started', probe });
    const r = await run();
    out[key] = r;
    const cited = new Set(r.traceSeqs);
    const finished = signal.aborted ? undefined : ({ key, result: r, trace: trace.events.filter((e) => cited.has(e.seq)) } as FinishedProbe);
    hooks.onProgress?.({ type: 'probe-finished', probe, outcome: r.outcome, durationMs: r.durationMs, ...(finished ? { finished } : {}) });
    return r;
  };
  const c: PathRun = {
    o,
    deps,
    trace,
    firstId,
    signal,
    reflectorAddress: o.reflector ? resolveAddress(deps, o.reflector.host) : Promise.resolve(''),
    fixedPort: o.fixedSourcePort ?? SIP_PORT,
  };
  const tasks: Array<Promise<unknown>> = [];
  // Inbound reachability and STUN port preservation both bind local port 5060: inbound goes first
  // (its wait is the longest), port preservation binds it when inbound is done. Nothing else waits.
  let fixedPortFree: Promise<unknown> = Promise.resolve();
  if (o.reflector) {
    const inbound = timed('inbound', `inbound reachability (${o.reflector.host})`, inboundProbe(c, o.reflector));
    fixedPortFree = inbound;
    tasks.push(inbound, timed('alg', `SIP ALG (${o.reflector.host})`, algProbe(c, o.reflector)));
  }
  if (o.stun) tasks.push(timed('stun', `STUN NAT behaviour (${o.stun.host})`, stunProbe(c, o.stun, fixedPortsAfter(deps, fixedPortFree, signal))));
  const target = o.reflector ? { host: o.reflector.host, address: '', port: o.reflector.port ?? REFLECTOR_PORT } : (targets.udp ?? targets.tcp)?.[0];
  if (target) tasks.push(timed('fragmentation', `fragmentation (${target.host})`, fragmentationProbe(c, target, rate, answered)));
  await Promise.all(tasks);
  return out;
}
