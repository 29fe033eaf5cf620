// The fragmentation findings (shared/diagnosis/rules-path.ts) from recorded series: which direction
// fails, with which limit, and late answers that are not loss.
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../shared/diagnosis/diagnose.js';
import type { FragmentationSeries, SizePoint } from '../../shared/model/path-results.js';
import type { CheckResult } from '../../shared/model/results.js';

type Mode = FragmentationSeries['mode'];
/** A point: delivered with an RTT, late, or lost ('x'); the answer's bytes as the mode makes them. */
function point(mode: Mode, size: number, rtt: number | 'x' | { late: number }): SizePoint {
  const responseSize = mode === 'upstream' ? 400 : size + (mode === 'echo' ? 20 : 0);
  const requestSize = mode === 'downstream' ? 450 : size;
  if (rtt === 'x') return { size, requestSize, delivered: false, sends: 1 };
  const late = typeof rtt === 'object';
  return { size, requestSize, responseSize, delivered: true, sends: 1, rttMs: late ? rtt.late : rtt, ...(late ? { late } : {}) };
}
function series(mode: Mode, points: Array<[number, number | 'x' | { late: number }]>): FragmentationSeries {
  const ps = points.map(([size, rtt]) => point(mode, size, rtt));
  const delivered = ps.filter((p) => p.delivered).map((p) => p.size);
  const largestDelivered = delivered.length ? Math.max(...delivered) : undefined;
  const lost = ps.filter((p) => !p.delivered && p.size > (largestDelivered ?? 0)).map((p) => p.size);
  return { transport: 'udp', mode, points: ps, largestDelivered, smallestLost: lost.length ? Math.min(...lost) : undefined };
}
function findings(...s: FragmentationSeries[]) {
  const result = {
    attempts: [],
    trace: [],
    pathProbes: {
      fragmentation: {
        target: { host: 'h', address: '192.0.2.1', port: 5099 },
        outcome: 'ok',
        detail: '',
        series: s,
        skipped: [],
        durationMs: 1,
        traceSeqs: [1],
      },
    },
  };
  return diagnose(result as unknown as CheckResult)
    .findings.filter((f) => f.id.startsWith('large-udp'))
    .map((f) => [f.id, f.title, f.confidence]);
}
const ok = (sizes: number[], rtt = 5): Array<[number, number]> => sizes.map((s) => [s, rtt]);

describe('fragmentation findings', () => {
  it('reflector: answers lost above 1472 while requests of every size get through → inbound only, 1472', () => {
    expect(
      findings(
        series('upstream', ok([500, 1472, 1500, 8000])),
        series('echo', [...ok([1300, 1472]), [1500, 'x'], [2000, 'x']]),
        series('downstream', [...ok([1300, 1472]), [1500, 'x'], [2000, 'x']]),
      ),
    ).toEqual([['large-udp-lost', 'SIP messages sent to this computer over UDP are lost above 1472 bytes', 'high']]);
  });

  it("reflector: both directions lose fragments → both, with the requests' exact limit", () => {
    expect(
      findings(
        series('upstream', [...ok([500, 1472]), [1500, 'x'], [2000, 'x']]),
        series('echo', [...ok([1300, 1472]), [1500, 'x']]),
        series('downstream', [...ok([1300, 1472]), [1500, 'x']]),
      ),
    ).toEqual([['large-udp-lost', 'SIP messages over UDP, in both directions, are lost above 1472 bytes', 'high']]);
  });

  it('registrar: echo lost where upstream delivered the same request size → the answers are lost (inferred: medium)', () => {
    expect(findings(series('echo', [...ok([500, 1300]), [1472, 'x'], [1500, 'x']]), series('upstream', ok([1472, 1500])))).toEqual([
      ['large-udp-lost', 'SIP messages sent to this computer over UDP are lost above 1320 bytes', 'medium'],
    ]);
  });

  it("registrar: requests lost; the largest echo that got through is the requests' limit too", () => {
    expect(
      findings(
        series('echo', [...ok([500, 1300, 1429]), [1451, 'x']]),
        series('upstream', [
          [1451, 'x'],
          [1472, 'x'],
        ]),
      ),
    ).toEqual([['large-udp-lost', 'SIP messages this computer sends over UDP are lost above 1429 bytes', 'high']]);
  });

  it('late answers are delays, not loss; the slow direction is named', () => {
    const late = findings(
      series('upstream', ok([500, 1472, 1500, 8000])),
      series('echo', [...ok([1300]), [1500, { late: 1900 }], [8000, { late: 2400 }]]),
      series('downstream', [...ok([1300]), [1500, { late: 1800 }], [8000, { late: 2300 }]]),
    );
    expect(late).toEqual([['large-udp-delayed', 'Large SIP messages over UDP arrive seconds late (inbound only)', 'high']]);
  });

  it("registrar: the answers' share of a delay is what echo adds to upstream", () => {
    expect(
      findings(
        series('echo', [...ok([500, 1300]), [3000, 1400], [8000, 1600]]),
        series('upstream', [
          [3000, 700],
          [8000, 800],
        ]),
      ),
    ).toEqual([['large-udp-delayed', 'Large SIP messages over UDP arrive seconds late (both directions)', 'high']]);
    expect(findings(series('echo', [...ok([500, 1300]), [3000, 900]]), series('upstream', [[3000, 850]]))).toEqual([
      ['large-udp-delayed', 'Large SIP messages over UDP arrive seconds late (outbound only)', 'high'],
    ]);
  });
});
