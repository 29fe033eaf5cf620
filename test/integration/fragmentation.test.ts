// The fragmentation probe (seed 001) against the demo registrar told to lose or delay large UDP
// datagrams, and against the reflector through a path that loses or delays large datagrams in one
// direction only (the UDP endpoint is wrapped: the test decides what the "network" does).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defaultDeps, type EngineDeps } from '../../electron/engine/deps.js';
import { probeFragmentation } from '../../electron/engine/probes/fragmentation.js';
import {
  FIRST_ANSWER_WAIT_MS,
  FRAGMENTATION_SIZES,
  LARGE_FROM,
  REGISTRAR_SIZES,
  SIZE_WAIT_MS,
  TCP_SIZES,
} from '../../electron/engine/probes/fragmentation-plan.js';
import { RateLimiter } from '../../electron/engine/safety.js';
import { TraceRecorder } from '../../electron/engine/trace-recorder.js';
import { startReflector, type Reflector } from '../../electron/reflector/server.js';
import { startRegistrar, type Fixture, type FixtureOptions } from '../../electron/demo/registrar.js';
import type { FragmentationResult, FragmentationSeries, SizePoint } from '../../shared/model/path-results.js';
import { diagnose } from '../../shared/diagnosis/diagnose.js';
import type { CheckResult } from '../../shared/model/results.js';
import type { TraceEvent } from '../../shared/model/trace.js';
import { COOKIE_HEADER } from '../../shared/sip/requests.js';

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

const signal = new AbortController().signal;
// Generous rate: these servers are ours, on loopback.
const loopbackRate = (deps: EngineDeps) => new RateLimiter(deps.clock, 200, 1000);
const find = (r: FragmentationResult, transport: string, mode: string): FragmentationSeries =>
  r.series.find((s) => s.transport === transport && s.mode === mode)!;
const at = (s: FragmentationSeries, size: number) => s.points.find((p) => p.size === size)!;

async function probe(opts: FixtureOptions, transports: Array<'udp' | 'tcp'> = ['udp']): Promise<FragmentationResult> {
  fx = await startRegistrar({ transports: ['udp', 'tcp'], ...opts });
  const deps = defaultDeps();
  const port = transports[0] === 'tcp' ? fx.ports.tcp : fx.ports.udp;
  return probeFragmentation({
    target: { host: '127.0.0.1', address: '127.0.0.1', port },
    domain: '127.0.0.1',
    user: 'alice',
    transports,
    reflector: false,
    deps,
    trace: new TraceRecorder(deps.clock),
    rate: loopbackRate(deps),
    attempt: 1,
    signal,
  });
}

describe('fragmentation probe against a registrar', () => {
  it('delivers every size on a clean path, with the request really that large and the actual response sizes recorded', async () => {
    const r = await probe({});
    expect(find(r, 'udp', 'echo').points.map((p) => p.size)).toEqual(REGISTRAR_SIZES);
    // Every echo (both directions large) was answered on time: no upstream request was needed.
    expect(r.series.map((s) => `${s.transport}/${s.mode}`)).toEqual(['udp/echo']);
    expect(r.skipped).toContain('upstream sizes (only the request large): every echo size was answered on time, so no direction needed telling apart');
    for (const s of r.series) {
      expect(s.points.every((p) => p.delivered && p.requestSize === p.size && p.sends === 1)).toBe(true);
      expect(s.largestDelivered).toBe(8000);
    }
    const sizes = fx!.received.filter((q) => q.text.startsWith('OPTIONS')).map((q) => Buffer.byteLength(q.text));
    expect(sizes).toEqual(expect.arrayContaining(REGISTRAR_SIZES));
    // Echo: the response copies the padded Call-ID.
    expect(at(find(r, 'udp', 'echo'), 8000).responseSize).toBeGreaterThan(7900);
  });

  it('finds the size above which UDP requests are lost, by bisection, and stops climbing', async () => {
    const r = await probe({ udpDropAbove: 1450 });
    const [up, echo] = [find(r, 'udp', 'upstream'), find(r, 'udp', 'echo')];
    // The largest request that got through, upstream or echo (an echo request is as large).
    const sent = Math.max(up.largestDelivered ?? 0, echo.largestDelivered!);
    expect(sent).toBeGreaterThanOrEqual(1400);
    expect(sent).toBeLessThanOrEqual(1450);
    expect(up.smallestLost! - sent).toBeLessThanOrEqual(32);
    expect(up.points.some((p) => p.bisection)).toBe(true);
    // Upstream only where echo failed, and neither climbed past two lost sizes.
    expect(up.points.filter((p) => !p.bisection).map((p) => p.size)).toEqual(REGISTRAR_SIZES.filter((x) => x > 1450 && x <= 1500));
    expect(
      find(r, 'udp', 'echo')
        .points.filter((p) => p.detail?.startsWith('not tried'))
        .map((p) => p.size),
    ).toEqual([3000, 8000]);
    // The requests were lost, not the answers: the finding says so, with the limit.
    const f = diagnose({ attempts: [], trace: [], pathProbes: { fragmentation: r } } as unknown as CheckResult).findings.find(
      (x) => x.id === 'large-udp-lost',
    )!;
    expect(f.title).toBe(`SIP messages this computer sends over UDP are lost above ${sent} bytes`);
  }, 60_000);

  it('measures the delay of large datagrams (seed 001) while counting them as delivered', async () => {
    const r = await probe({ udpDelayAbove: { bytes: 1472, ms: 1200 } });
    const [echo, up] = [find(r, 'udp', 'echo'), find(r, 'udp', 'upstream')];
    expect(echo.points.every((p) => p.delivered)).toBe(true);
    // Slow echo sizes are timed upstream too: here the requests are what is held back.
    expect(up.points.map((p) => [p.size, p.delivered])).toEqual(REGISTRAR_SIZES.filter((x) => x > 1472).map((x) => [x, true]));
    expect(at(up, 3000).rttMs! - at(echo, 1300).rttMs!).toBeGreaterThan(1000);
  }, 60_000);

  it('runs over TCP too: the echo sizes of the yardstick', async () => {
    const r = await probe({ udpDropAbove: 1000 }, ['tcp']);
    expect(r.series.map((s) => [s.transport, s.mode, s.largestDelivered])).toEqual([['tcp', 'echo', 8000]]);
    expect(r.series[0]!.points.map((p) => p.size)).toEqual(TCP_SIZES);
  });
});

/** What the network between the probe and the reflector does to UDP datagrams larger than `above`. */
interface PathFault {
  outbound?: 'drop';
  inbound?: 'drop' | { delayMs: number };
  above: number;
}

function faultyPath(deps: EngineDeps, f: PathFault): EngineDeps {
  return {
    ...deps,
    openUdpEndpoint: async (o) => {
      const ep = await deps.openUdpEndpoint(o);
      return {
        local: ep.local,
        close: () => ep.close(),
        send: (b, to) => (f.outbound === 'drop' && b.length > f.above ? undefined : ep.send(b, to)),
        onMessage: (h) =>
          ep.onMessage((b, from) => {
            if (b.length <= f.above || !f.inbound) return h(b, from);
            if (f.inbound !== 'drop') setTimeout(() => h(b, from), f.inbound.delayMs);
          }),
      };
    },
  };
}

describe('fragmentation probe against the reflector, one direction at a time', () => {
  let reflector: Reflector;
  beforeAll(async () => {
    reflector = await startReflector({ listen: '127.0.0.1', sipPorts: [0] }, () => undefined);
  });
  afterAll(() => reflector.close());

  async function probeReflector(fault?: PathFault, transports: Array<'udp' | 'tcp'> = ['udp']): Promise<{ r: FragmentationResult; trace: TraceRecorder }> {
    const base = defaultDeps();
    const deps = fault ? faultyPath(base, fault) : base;
    const trace = new TraceRecorder(deps.clock);
    const r = await probeFragmentation({
      target: { host: '127.0.0.1', address: '127.0.0.1', port: reflector.sipPorts[0]! },
      domain: 'example.test',
      user: 'alice',
      transports,
      reflector: true,
      deps,
      trace,
      rate: loopbackRate(deps),
      attempt: 1,
      signal,
    });
    return { r, trace };
  }
  const findingsOf = (r: FragmentationResult) => diagnose({ attempts: [], trace: [], pathProbes: { fragmentation: r } } as unknown as CheckResult).findings;

  it('sizes each direction on its own and records both sizes per point', async () => {
    const { r, trace } = await probeReflector(undefined, ['udp', 'tcp']);
    expect(r.series.map((s) => `${s.transport}/${s.mode}=${s.largestDelivered}`)).toEqual([
      'udp/upstream=8000',
      'udp/echo=8000',
      'udp/downstream=8000',
      'tcp/echo=8000',
    ]);
    const up = at(find(r, 'udp', 'upstream'), 4000);
    expect([up.requestSize, up.expectedResponseSize]).toEqual([4000, 500]);
    expect(up.responseSize).toBeLessThanOrEqual(500);
    expect([at(find(r, 'udp', 'echo'), 3000).requestSize, at(find(r, 'udp', 'echo'), 3000).responseSize]).toEqual([3000, 3000]);
    const down = at(find(r, 'udp', 'downstream'), 3000);
    expect(down.responseSize).toBe(3000);
    expect(down.requestSize).toBeLessThan(800);
    // The downstream requests show the cookie of the first answer (return routability, README "Reflector").
    const text = (e: TraceEvent) => Buffer.from(e.bytes!, 'base64').toString();
    const firstAnswer = text(trace.events.find((e) => e.kind === 'received' && e.transport === 'udp')!);
    const cookie = new RegExp(`^${COOKIE_HEADER}: *(.+)$`, 'im').exec(firstAnswer)![1]!.trim();
    const downstream = trace.events.filter((e) => e.kind === 'sent' && e.note?.startsWith('OPTIONS downstream')).map(text);
    expect(downstream).toHaveLength(FRAGMENTATION_SIZES.filter((s) => s >= LARGE_FROM).length);
    expect(downstream.every((t) => t.includes(`${COOKIE_HEADER}: ${cookie}\r\n`))).toBe(true);
    expect(findingsOf(r).filter((f) => f.id.startsWith('large-udp'))).toEqual([]);
  });

  it('inbound fragments dropped: the limit is 1472 on the answers, and requests of any size get through', async () => {
    const { r } = await probeReflector({ inbound: 'drop', above: 1472 });
    expect(find(r, 'udp', 'upstream').largestDelivered).toBe(8000);
    for (const mode of ['echo', 'downstream'])
      expect([mode, find(r, 'udp', mode).largestDelivered, find(r, 'udp', mode).smallestLost]).toEqual([mode, 1472, 1500]);
    const f = findingsOf(r).find((x) => x.id === 'large-udp-lost')!;
    expect(f.title).toBe('SIP messages sent to this computer over UDP are lost above 1472 bytes');
  }, 60_000);

  it('outbound fragments dropped: the limit is 1472 on the requests, and large answers get through', async () => {
    const { r } = await probeReflector({ outbound: 'drop', above: 1472 });
    expect(find(r, 'udp', 'downstream').largestDelivered).toBe(8000);
    expect([find(r, 'udp', 'upstream').largestDelivered, find(r, 'udp', 'upstream').smallestLost]).toEqual([1472, 1500]);
    expect(findingsOf(r).find((x) => x.id === 'large-udp-lost')!.title).toBe('SIP messages this computer sends over UDP are lost above 1472 bytes');
  }, 60_000);

  it('answers later than the wait for their size are late, not lost; one datagram in flight at a time', async () => {
    const delayMs = SIZE_WAIT_MS + 700;
    const { r, trace } = await probeReflector({ inbound: { delayMs }, above: 1472 });
    const down = find(r, 'udp', 'downstream');
    expect(down.largestDelivered).toBe(8000);
    expect(r.series.every((s) => s.smallestLost === undefined)).toBe(true);
    const late = down.points.filter((p) => p.late);
    expect(late.map((p) => p.size)).toEqual(FRAGMENTATION_SIZES.filter((s) => s > 1472));
    expect(late.every((p) => p.rttMs! >= delayMs)).toBe(true);
    const findings = findingsOf(r);
    expect(findings.map((f) => f.id)).toEqual(['large-udp-delayed']);
    expect(findings[0]!.title).toContain('inbound only');
    // Pacing: every UDP request was sent once, and the next one only after its answer or SIZE_WAIT_MS.
    const points = new Map<string, SizePoint>(r.series.flatMap((s) => s.points.map((p) => [`OPTIONS ${s.mode} ${p.size} bytes`, p] as const)));
    const sent = trace.events.filter((e) => e.kind === 'sent' && e.transport === 'udp' && e.note !== 'OPTIONS to fetch the reflector cookie (padded)');
    expect(sent.map((e) => e.note)).toEqual(sent.map((e) => e.note).filter((n) => points.has(n!)));
    for (let i = 1; i < sent.length; i++) {
      const prev = points.get(sent[i - 1]!.note!)!;
      expect(sent[i]!.t - sent[i - 1]!.t).toBeGreaterThanOrEqual(Math.min(prev.late ? SIZE_WAIT_MS : prev.rttMs!, SIZE_WAIT_MS) - 1);
    }
  }, 60_000);

  it('a path that answers no UDP at all costs one small request, not the whole ladder', async () => {
    const { r, trace } = await probeReflector({ outbound: 'drop', above: 0 });
    const points = r.series.flatMap((s) => s.points);
    expect(points.every((p) => p.sends === 0 && p.detail === `not tried: the first UDP request got no answer within ${FIRST_ANSWER_WAIT_MS} ms`)).toBe(true);
    // Only the cookie fetch went out, on Timer E: at 0, 500 and 1500 ms.
    expect(trace.events.filter((e) => e.kind === 'sent').map((e) => e.note)).toEqual([
      'OPTIONS to fetch the reflector cookie (padded)',
      'OPTIONS to fetch the reflector cookie (padded) (retransmission 1)',
      'OPTIONS to fetch the reflector cookie (padded) (retransmission 2)',
    ]);
    expect(r.outcome).toBe('no-response');
  });
});
