// Scheduling of the path probes (path-probes.ts) against the reflector on loopback: probes never
// hold the same local port at once, and the reflector's traffic goes through each probe's own
// budget, never the registrar's shared limit (that sharing made the ALG probe's TCP check wait
// past its deadline: test/lab/alg.test.ts failed about one run in three).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultDeps, type EngineDeps } from '../../electron/engine/deps.js';
import { fixedPortsAfter, REFLECTOR_SHARES, REFLECTOR_WINDOW_MS, runPathProbes } from '../../electron/engine/path-probes.js';
import { RateLimiter } from '../../electron/engine/safety.js';
import { TraceRecorder } from '../../electron/engine/trace-recorder.js';
import { startReflector, type Reflector } from '../../electron/reflector/server.js';
import { DEFAULT_LIMITS, WINDOW_MS } from '../../electron/reflector/budget.js';
import { freeUdpPort } from './helpers.js';

/** A RateLimiter that counts what it was asked for, per address. */
class CountingLimiter extends RateLimiter {
  readonly takes = new Map<string, number>();
  override async take(server: string, signal?: AbortSignal): Promise<void> {
    this.takes.set(server, (this.takes.get(server) ?? 0) + 1);
    return super.take(server, signal);
  }
}

describe('path probe scheduling', () => {
  let reflector: Reflector;
  const stunPort = 40000 + Math.floor(Math.random() * 20000);
  beforeAll(async () => {
    reflector = await startReflector(
      { listen: '127.0.0.1', sipPorts: [0], stun: { primary: '127.0.0.1', alternate: '127.0.0.2', port: stunPort } },
      () => undefined,
    );
  });
  afterAll(() => reflector.close());

  it('inbound reachability and STUN port preservation both use the fixed port, one after the other; the reflector is never on the shared limit', async () => {
    const base = defaultDeps();
    const fixed = await freeUdpPort();
    const holders: string[] = [];
    let overlap = 0;
    // Records who holds the fixed port: a second bind while one is open would be EADDRINUSE.
    const deps: EngineDeps = {
      ...base,
      openUdpEndpoint: async (o) => {
        const ep = await base.openUdpEndpoint(o);
        if (o.localPort !== fixed) return ep;
        if (holders.some((h) => h === 'open')) overlap++;
        const i = holders.push('open') - 1;
        return {
          ...ep,
          close: () => {
            holders[i] = 'closed';
            ep.close();
          },
        };
      },
    };
    const shared = new CountingLimiter(deps.clock);
    const trace = new TraceRecorder(deps.clock);
    const out = await runPathProbes(
      {
        server: '127.0.0.1',
        user: 'alice',
        transports: ['udp'],
        fixedSourcePort: fixed,
        stun: { host: '127.0.0.1', port: stunPort },
        reflector: { host: '127.0.0.1', port: reflector.sipPorts[0] },
      },
      deps,
      trace,
      shared,
      1,
      {},
      new Set(['udp']),
      {},
    );
    expect(overlap).toBe(0);
    expect(holders).toEqual(['closed', 'closed']);
    expect(out.inbound!.checks[0]).toMatchObject({ localPort: fixed, responseReceived: true });
    expect(out.stun!.portPreservation).toEqual([expect.objectContaining({ localPort: fixed, mappedPort: fixed, preserved: true })]);
    expect(shared.takes.get('127.0.0.1') ?? 0).toBe(0);
    expect(out.fragmentation!.series.every((s) => s.largestDelivered === 8000)).toBe(true);
    // Well under the reflector's per-source budget, by construction (the shares) and in fact.
    const sipRequests = trace.events.filter((e) => e.kind === 'sent' && e.remote?.port !== stunPort && e.note?.startsWith('OPTIONS'));
    const shares = Object.values(REFLECTOR_SHARES).reduce((a, b) => a + b, 0);
    expect(REFLECTOR_WINDOW_MS).toBe(WINDOW_MS);
    expect(shares).toBeLessThanOrEqual(DEFAULT_LIMITS.requestsPerAddress * 0.7);
    expect(sipRequests.length).toBeLessThanOrEqual(shares);
  }, 30_000);

  it('a fixed port is bound only once the earlier probe is done; ephemeral ports at once', async () => {
    const bound: string[] = [];
    // Endpoints that bind at once: without the turn, the fixed port (asked first) would be bound first.
    const base: EngineDeps = {
      ...defaultDeps(),
      openUdpEndpoint: async (o) => {
        bound.push(o.localPort ? 'fixed' : 'ephemeral');
        return { local: { address: '127.0.0.1', port: o.localPort ?? 1 }, send: () => undefined, onMessage: () => undefined, close: () => undefined };
      },
    };
    let release = (): void => undefined;
    const deps = fixedPortsAfter(base, new Promise<void>((r) => (release = r)), new AbortController().signal);
    const fixed = deps.openUdpEndpoint({ family: 'udp4', localPort: 5060 });
    await deps.openUdpEndpoint({ family: 'udp4' });
    expect(bound).toEqual(['ephemeral']);
    release();
    await fixed;
    expect(bound).toEqual(['ephemeral', 'fixed']);
  });
});
