// The fragmentation probe against a fixture that loses or delays large UDP datagrams (seed 001).
import { afterEach, describe, expect, it } from 'vitest';
import { defaultDeps } from '../../electron/engine/deps.js';
import { FRAGMENTATION_SIZES, probeFragmentation } from '../../electron/engine/probes/fragmentation.js';
import { RateLimiter } from '../../electron/engine/safety.js';
import { TraceRecorder } from '../../electron/engine/trace-recorder.js';
import type { FragmentationResult } from '../../shared/model/path-results.js';
import { startRegistrar, type Fixture, type FixtureOptions } from '../../electron/demo/registrar.js';

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

async function probe(opts: FixtureOptions, transports: Array<'udp' | 'tcp'> = ['udp']): Promise<FragmentationResult> {
  fx = await startRegistrar({ transports: ['udp', 'tcp'], ...opts });
  const deps = defaultDeps();
  const port = transports[0] === 'tcp' ? fx.ports.tcp : fx.ports.udp;
  // Generous rate: this fixture is ours, on loopback.
  return probeFragmentation({ target: { host: '127.0.0.1', address: '127.0.0.1', port }, domain: '127.0.0.1', user: 'alice', transports, reflector: false },
    deps, new TraceRecorder(deps.clock), new RateLimiter(deps.clock, 200, 50), 1, new AbortController().signal);
}

describe('fragmentation probe', () => {
  it('delivers every size on a clean path, with the request really that large', async () => {
    const r = await probe({});
    for (const s of r.series) {
      expect(s.points.map((p) => p.size)).toEqual(FRAGMENTATION_SIZES);
      expect(s.points.every((p) => p.delivered)).toBe(true);
      expect(s.largestDelivered).toBe(8000);
    }
    const sizes = fx!.received.filter((q) => q.text.startsWith('OPTIONS')).map((q) => Buffer.byteLength(q.text));
    expect(sizes).toEqual(expect.arrayContaining(FRAGMENTATION_SIZES));
    // Echo mode: the response copies the padded Call-ID, so it is as large as the request.
    const echo = r.series.find((s) => s.mode === 'echo')!;
    expect(echo.points.at(-1)!.responseSize).toBeGreaterThan(7900);
  });

  it('finds the size above which UDP requests are lost, by bisection, and stops climbing', async () => {
    const r = await probe({ udpDropAbove: 1450 });
    const up = r.series.find((s) => s.mode === 'upstream')!;
    expect(up.largestDelivered).toBeGreaterThanOrEqual(1400);
    expect(up.largestDelivered).toBeLessThanOrEqual(1450);
    expect(up.smallestLost! - up.largestDelivered!).toBeLessThanOrEqual(32);
    expect(up.points.some((p) => p.bisection)).toBe(true);
    expect(up.points.filter((p) => p.detail?.startsWith('not tried'))).not.toHaveLength(0);
  }, 60_000);

  it('measures the delay of large datagrams (seed 001) while counting them as delivered', async () => {
    const r = await probe({ udpDelayAbove: { bytes: 1472, ms: 1200 } });
    const up = r.series.find((s) => s.mode === 'upstream')!;
    const small = up.points.find((p) => p.size === 1000)!;
    const large = up.points.find((p) => p.size === 2000)!;
    expect(small.delivered && large.delivered).toBe(true);
    expect(large.rttMs! - small.rttMs!).toBeGreaterThan(1000);
  }, 60_000);

  it('runs over TCP too', async () => {
    const r = await probe({ udpDropAbove: 1000 }, ['tcp']);
    expect(r.series.every((s) => s.transport === 'tcp' && s.largestDelivered === 8000)).toBe(true);
  });
});
