// Lab: a transport that stays silent is explained, not described: with STUN the likely cause is
// named with its confidence (UDP blocked as a whole, or a router whose filtering drops answers
// from elsewhere), and without STUN the finding says it cannot tell (low confidence).
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../shared/diagnosis/diagnose.js';
import type { CheckResult } from '../../shared/model/results.js';
import { applyFault, checkFromClient, coturn, dropUdpToPort, labUnavailableReason, SERVER_IP } from './lab.js';
import { useLab } from './use-lab.js';

const unavailable = labUnavailableReason();
const silentUdp = (r: CheckResult) => diagnose(r).findings.find((f) => f.id === 'silent-udp')!;
/** The registration matrix plus STUN only: fragmentation has nothing to say about a silent UDP. */
const check = (extra: string[]) => checkFromClient(['--transports', 'udp,tcp', ...extra]);

describe.skipIf(unavailable !== null)('lab: why UDP is silent while TCP works', () => {
  useLab({ kamailio: true, processes: [coturn()] });

  it('all UDP dropped: STUN is silent too, so UDP is blocked as a whole (medium confidence)', async () => {
    applyFault('block-all-udp');
    const { result } = await check(['--stun', SERVER_IP]);
    expect(result.pathProbes!.stun!.outcome).toBe('no-response');
    expect(silentUdp(result)).toMatchObject({ confidence: 'medium', explanation: expect.stringContaining('UDP seems blocked on the way as a whole') });
    // The STUN probe's own silence is part of the evidence.
    expect(silentUdp(result).evidence).toEqual(expect.arrayContaining(result.pathProbes!.stun!.traceSeqs));
  });

  it('only SIP over UDP dropped: STUN shows a port-restricted router, whose filtering would drop answers from elsewhere', async () => {
    dropUdpToPort(5060);
    const { result } = await check(['--stun', SERVER_IP]);
    expect(result.pathProbes!.stun!.filtering).toBe('address-and-port-dependent');
    expect(silentUdp(result)).toMatchObject({
      confidence: 'medium',
      explanation: expect.stringMatching(/only lets in UDP answers from the exact address and port it sent to/),
    });
  });

  it('without STUN the cause cannot be told apart: low confidence, and it says what would tell', async () => {
    dropUdpToPort(5060);
    const { result } = await check(['--skip-path-probes']);
    expect(silentUdp(result)).toMatchObject({ confidence: 'low', explanation: expect.stringContaining('A STUN server in the check would tell these apart') });
  });
});
