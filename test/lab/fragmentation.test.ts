// Lab: seed 001. A router that delays or drops IP fragments (both directions); the fragmentation
// probe against Kamailio and against the reflector must report the threshold (1472-byte UDP payload
// on a 1500-byte MTU) on the right direction, late answers as delivered, and no loss that is not there.
import { describe, expect, it } from 'vitest';
import type { FragmentationResult, FragmentationSeries } from '../../shared/model/path-results.js';
import type { CheckResult } from '../../shared/model/results.js';
import { diagnose } from '../../shared/diagnosis/diagnose.js';
import { applyFragmentFault, checkFromClient, labUnavailableReason, reflector, SERVER_IP } from './lab.js';
import { useLab } from './use-lab.js';

const unavailable = labUnavailableReason();
/** Largest UDP payload of one 1500-byte IPv4 packet: the lab's path MTU. */
const UNFRAGMENTED = 1472;

async function fragmentation(extra: string[] = []): Promise<{ r: FragmentationResult; result: CheckResult }> {
  const { result } = await checkFromClient(['--transports', 'udp,tcp', ...extra], undefined, 90_000);
  return { r: result.pathProbes!.fragmentation!, result };
}
const series = (r: FragmentationResult, transport: string, mode: string) => r.series.find((s) => s.transport === transport && s.mode === mode)!;
const rtt = (s: FragmentationSeries, size: number) => s.points.find((p) => p.size === size)!.rttMs!;
const limits = (r: FragmentationResult) => r.series.map((s) => `${s.transport}/${s.mode}: ${s.largestDelivered}..${s.smallestLost ?? '-'}`);
const fragFindings = (result: CheckResult) => diagnose(result).findings.filter((f) => f.id.startsWith('large-udp'));
/** Points whose request and asked-for answer both fit one packet, yet unanswered: loss that is not there. */
const noFalseLoss = (list: FragmentationSeries[]) =>
  list.flatMap((s) => s.points.filter((p) => p.sends > 0 && p.requestSize! <= UNFRAGMENTED && (p.expectedResponseSize ?? 0) <= UNFRAGMENTED && !p.delivered));

describe.skipIf(unavailable !== null)('lab: large UDP messages to Kamailio through a router that mistreats fragments', () => {
  useLab({ kamailio: true });

  it('healthy path: every size up to 8 KB arrives over UDP and TCP', async () => {
    const { r, result } = await fragmentation();
    // Every echo (both directions large) answered on time: no upstream request was needed.
    expect(limits(r)).toEqual(['udp/echo: 8000..-', 'tcp/echo: 8000..-']);
    expect(fragFindings(result)).toEqual([]);
  }, 120_000);

  it('fragments dropped: UDP works up to the unfragmented 1472 bytes, TCP carries everything', async () => {
    applyFragmentFault('drop');
    const { r, result } = await fragmentation();
    expect(limits(r)).toEqual([expect.stringMatching(/^udp\/echo: /), `udp/upstream: ${UNFRAGMENTED}..1500`, 'tcp/echo: 8000..-']);
    // Kamailio's answer to an echo request is a little larger than the request: the echo series is
    // lost from a request under 1472 bytes, because its answer no longer fits one packet.
    const echo = series(r, 'udp', 'echo');
    expect(echo.smallestLost).toBeLessThanOrEqual(UNFRAGMENTED);
    expect(Math.max(...echo.points.filter((p) => p.delivered).map((p) => p.responseSize!))).toBeLessThanOrEqual(UNFRAGMENTED);
    expect(noFalseLoss([series(r, 'udp', 'upstream')])).toEqual([]);
    // The request of that size went through upstream, so the answers are lost too: both directions.
    expect(fragFindings(result).map((f) => [f.title, f.confidence])).toEqual([
      [`SIP messages over UDP, in both directions, are lost above ${UNFRAGMENTED} bytes`, 'medium'],
    ]);
  }, 120_000);

  it('fragments delayed: large UDP messages arrive, late', async () => {
    applyFragmentFault('delay');
    const { r } = await fragmentation();
    const [echo, up] = [series(r, 'udp', 'echo'), series(r, 'udp', 'upstream')];
    expect([echo.largestDelivered, up.largestDelivered]).toEqual([8000, 8000]);
    expect(rtt(echo, 1300)).toBeLessThan(200);
    // Echo mode: the request and the response are both fragmented, both delayed; upstream times the requests alone.
    expect(rtt(echo, 8000) - rtt(echo, 1300)).toBeGreaterThan(300);
    expect(rtt(up, 8000) - rtt(echo, 1300)).toBeGreaterThan(300);
  }, 120_000);
});

describe.skipIf(unavailable !== null)('lab: large UDP messages through the reflector, each direction sized on its own', () => {
  // The reflector stands in for the registrar too (REGISTER gets 405): both listen on 203.0.113.10:5060.
  useLab({ processes: [reflector()] });
  const withReflector = ['--reflector', SERVER_IP];

  it('healthy path: every size in every direction, no finding', async () => {
    const { r, result } = await fragmentation(withReflector);
    expect(limits(r)).toEqual(['udp/upstream: 8000..-', 'udp/echo: 8000..-', 'udp/downstream: 8000..-', 'tcp/echo: 8000..-']);
    expect(fragFindings(result)).toEqual([]);
  }, 120_000);

  it('fragments dropped both ways: the limit is 1472 in each direction, and nothing smaller is lost', async () => {
    applyFragmentFault('drop');
    const { r, result } = await fragmentation(withReflector);
    expect(limits(r)).toEqual([
      `udp/upstream: ${UNFRAGMENTED}..1500`,
      `udp/echo: ${UNFRAGMENTED}..1500`,
      `udp/downstream: ${UNFRAGMENTED}..1500`,
      'tcp/echo: 8000..-',
    ]);
    expect(noFalseLoss(r.series)).toEqual([]);
    // Upstream answers are small, downstream requests are small: each point carries both sizes.
    expect(
      series(r, 'udp', 'upstream')
        .points.filter((p) => p.delivered)
        .every((p) => p.responseSize! <= 500),
    ).toBe(true);
    expect(
      series(r, 'udp', 'downstream')
        .points.filter((p) => p.delivered)
        .every((p) => p.requestSize! < 1000 && p.responseSize === p.size),
    ).toBe(true);
    expect(fragFindings(result).map((f) => f.title)).toEqual([`SIP messages over UDP, in both directions, are lost above ${UNFRAGMENTED} bytes`]);
  }, 120_000);

  it('fragments delayed: everything arrives, late; no loss is reported', async () => {
    applyFragmentFault('delay');
    const { r, result } = await fragmentation(withReflector);
    expect(limits(r)).toEqual(['udp/upstream: 8000..-', 'udp/echo: 8000..-', 'udp/downstream: 8000..-', 'tcp/echo: 8000..-']);
    for (const mode of ['upstream', 'downstream']) {
      const s = series(r, 'udp', mode);
      expect([mode, rtt(s, 8000) - rtt(s, 1400) > 300]).toEqual([mode, true]);
    }
    expect(fragFindings(result).map((f) => [f.id, f.title])).toEqual([
      ['large-udp-delayed', 'Large SIP messages over UDP arrive seconds late (both directions)'],
    ]);
  }, 120_000);
});
