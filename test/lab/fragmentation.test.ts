// Lab: seed 001. A router that delays or drops IP fragments; the fragmentation probe against
// Kamailio must report the threshold (1472-byte UDP payload on a 1500-byte MTU) and the delay.
import { describe, expect, it } from 'vitest';
import type { FragmentationResult } from '../../shared/model/path-results.js';
import { applyFragmentFault, checkFromClient, labUnavailableReason } from './lab.js';
import { useLab } from './use-lab.js';

const unavailable = labUnavailableReason();

async function fragmentation(): Promise<FragmentationResult> {
  const { result } = await checkFromClient(['--transports', 'udp,tcp'], undefined, 90_000);
  return result.pathProbes!.fragmentation!;
}
const series = (r: FragmentationResult, transport: string, mode: string) => r.series.find((s) => s.transport === transport && s.mode === mode)!;
const rtt = (r: FragmentationResult, mode: string, size: number) => series(r, 'udp', mode).points.find((p) => p.size === size)!.rttMs!;

describe.skipIf(unavailable !== null)('lab: large UDP messages through a router that mistreats fragments', () => {
  useLab({ kamailio: true });

  it('healthy path: every size up to 8 KB arrives over UDP and TCP', async () => {
    const r = await fragmentation();
    for (const s of r.series) expect([s.transport, s.mode, s.largestDelivered]).toEqual([s.transport, s.mode, 8000]);
  }, 120_000);

  it('fragments dropped: UDP works up to the unfragmented 1472 bytes, TCP carries everything', async () => {
    applyFragmentFault('drop');
    const r = await fragmentation();
    for (const mode of ['upstream', 'echo']) {
      const s = series(r, 'udp', mode);
      expect(s.largestDelivered).toBeGreaterThanOrEqual(1440);
      expect(s.largestDelivered).toBeLessThanOrEqual(1472);
      expect(s.smallestLost).toBeLessThanOrEqual(1500);
      expect(series(r, 'tcp', mode).largestDelivered).toBe(8000);
    }
  }, 120_000);

  it('fragments delayed: large UDP messages arrive, late', async () => {
    applyFragmentFault('delay');
    const r = await fragmentation();
    expect(series(r, 'udp', 'upstream').largestDelivered).toBe(8000);
    expect(rtt(r, 'upstream', 1400)).toBeLessThan(200);
    expect(rtt(r, 'upstream', 8000) - rtt(r, 'upstream', 1400)).toBeGreaterThan(300);
    // Echo mode: the request and the response are both fragmented, both delayed.
    expect(rtt(r, 'echo', 8000) - rtt(r, 'echo', 1400)).toBeGreaterThan(300);
  }, 120_000);
});
