// Lab: the STUN NAT behaviour probe against coturn (two addresses, RFC 5780) behind Linux NAT
// in its two behaviours; the verdicts must match the topology and coturn's own natdiscovery tool.
import { describe, expect, it } from 'vitest';
import type { StunNatResult } from '../../shared/model/path-results.js';
import {
  applyFragmentFault,
  checkFromClient,
  coturn as coturnProcess,
  labUnavailableReason,
  NAT_PUBLIC_IP,
  natDiscovery,
  reflector,
  SERVER_IP,
  setNatMode,
  setUdpMappingTimeout,
} from './lab.js';
import { useLab } from './use-lab.js';

const unavailable = labUnavailableReason();

async function stunFromClient(extra: string[] = []): Promise<StunNatResult> {
  const { result } = await checkFromClient(['--transports', 'udp', '--stun', SERVER_IP, ...extra]);
  return result.pathProbes!.stun!;
}

describe.skipIf(unavailable !== null)('lab: STUN NAT behaviour against coturn', () => {
  useLab({ processes: [coturnProcess()] }, () => setNatMode('masquerade'));

  it('MASQUERADE: endpoint-independent mapping, port-dependent filtering, port 5060 preserved, no hairpinning', async () => {
    const stun = await stunFromClient();
    expect(stun).toMatchObject({
      outcome: 'ok',
      mapping: 'endpoint-independent',
      filtering: 'address-and-port-dependent',
      classic: 'Port-restricted-cone NAT',
      hairpinning: false,
      mappedRewritten: false,
      otherAddress: { address: '203.0.113.11', port: 3479 },
    });
    expect(stun.mapped!.address).toBe(NAT_PUBLIC_IP);
    expect(stun.portPreservation).toEqual([expect.objectContaining({ localPort: 5060, mappedPort: 5060, preserved: true })]);
    expect(natDiscovery()).toEqual({ mapping: stun.mapping, filtering: stun.filtering });
  });

  it("through a router that drops IP fragments (seed 001): measured as on a clean path, as coturn's own natdiscovery does", async () => {
    // coturn pads its answer to a padded Binding up to the MTU (RFC 5780 §6.1): a fragmented answer
    // that never arrives. Plain Bindings are answered in one datagram.
    applyFragmentFault('drop');
    const stun = await stunFromClient();
    expect(stun).toMatchObject({
      outcome: 'ok',
      mapping: 'endpoint-independent',
      filtering: 'address-and-port-dependent',
      hairpinning: false,
      mappedRewritten: false,
    });
    expect(stun.mapped!.address).toBe(NAT_PUBLIC_IP);
    expect(stun.portPreservation).toEqual([expect.objectContaining({ localPort: 5060, preserved: true })]);
    expect(natDiscovery()).toEqual({ mapping: stun.mapping, filtering: stun.filtering });
  });

  it('MASQUERADE --random-fully: symmetric NAT, and port 5060 is not preserved', async () => {
    setNatMode('random-fully');
    const stun = await stunFromClient();
    expect(stun).toMatchObject({ outcome: 'ok', mapping: 'address-and-port-dependent', classic: 'Symmetric NAT' });
    expect(stun.portPreservation[0]!.preserved).toBe(false);
    expect(natDiscovery().mapping).toBe('address-and-port-dependent');
  });

  it('measures the UDP binding lifetime within the requested bound and recommends a keep-alive', async () => {
    setUdpMappingTimeout(7);
    try {
      const stun = await stunFromClient(['--binding-lifetime', '10']);
      expect(stun.bindingLifetime).toMatchObject({ aliveAfter: [5], expiredAfter: [10], recommendation: { seconds: 5, bound: 'measured' } });
      expect(stun.durationMs).toBeLessThan(15_000);
    } finally {
      setUdpMappingTimeout(30);
    }
  }, 40_000);
});

describe.skipIf(unavailable !== null)('lab: STUN next to the reflector', () => {
  useLab({ processes: [coturnProcess(), reflector()] }, () => setNatMode('masquerade'));

  it('port preservation is measured while the inbound probe also uses local port 5060 (one after the other)', async () => {
    const { result } = await checkFromClient(['--transports', 'udp', '--stun', SERVER_IP, '--reflector', SERVER_IP]);
    const { stun, inbound } = result.pathProbes!;
    expect(inbound!.checks.map((c) => [c.localPort, c.responseReceived])).toEqual([
      [5060, true],
      [expect.any(Number), true],
    ]);
    expect(stun!.portPreservation).toEqual([expect.objectContaining({ localPort: 5060, mappedPort: 5060, preserved: true })]);
  });
});
