// Lab: real Kamailio behind a NAT router in network namespaces, with the faults of the field stories.
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../shared/model/results.js';
import { applyFault, checkFromClient as checkWithPathProbes, labUnavailableReason, NAT_PUBLIC_IP } from './lab.js';
import { useLab } from './use-lab.js';
import { diagnose } from '../../shared/diagnosis/diagnose.js';

const unavailable = labUnavailableReason();
if (unavailable) console.warn(`lab tests skipped: ${unavailable}`);

/** The registration matrix only: these scenarios are about registration. */
const checkFromClient = (extra: string[] = [], password?: string) => checkWithPathProbes(['--skip-path-probes', ...extra], password);

const outcomeOf = (r: CheckResult, label: string): string => r.attempts.find((a) => a.label.startsWith(label))?.outcome ?? 'missing';

describe.skipIf(unavailable !== null)('lab: Kamailio behind NAT', () => {
  const { kamailio } = useLab({ kamailio: true });

  it('healthy path: registers everywhere, sees the NAT public address, removes every binding', async () => {
    const { code, result } = await checkFromClient();
    expect(code).toBe(0);
    expect(result.attempts.map((a) => [a.label, a.outcome])).toEqual([
      ['UDP from port 5060', 'registered'],
      ['UDP from an ephemeral port', 'registered'],
      ['UDP from an ephemeral port, no rport', 'registered'],
      ['TCP', 'registered'],
      ['TLS', 'registered'],
    ]);
    expect(result.attempts.every((a) => a.unregistered)).toBe(true);
    const fixed = result.attempts[0]!;
    // Kamailio reports the NAT's address; MASQUERADE preserved port 5060.
    expect(fixed.via).toMatchObject({ received: NAT_PUBLIC_IP, rport: 5060 });
    expect(result.attempts.find((a) => a.transport === 'tls')!.tls).toMatchObject({ verified: true });
    expect(diagnose(result).findings).toEqual([]);
  });

  it('seed 000: the ISP drops inbound UDP to port 5060 — only the port-5060 client fails', async () => {
    applyFault('drop-inbound-udp-5060');
    const { code, result } = await checkFromClient();
    expect(code).toBe(0);
    expect(outcomeOf(result, 'UDP from port 5060')).toBe('no-response');
    expect(outcomeOf(result, 'UDP from an ephemeral port')).toBe('registered');
    expect(outcomeOf(result, 'TCP')).toBe('registered');
    expect(outcomeOf(result, 'TLS')).toBe('registered');
    const fixed = result.attempts[0]!;
    expect(fixed.retransmissions).toBeGreaterThanOrEqual(2);
    expect(result.durationMs).toBeLessThan(10_000);
    const d = diagnose(result);
    expect(d.findings.map((f) => f.id)).toEqual(['inbound-udp-5060-dropped']);
    expect(d.verdict).toBe(
      'UDP from port 5060 fails: your internet provider or router blocks incoming SIP on port 5060. Registration works over UDP (from an ephemeral port, from an ephemeral port, no rport) and TCP and TLS.',
    );
  });

  it('TCP to port 5060 blocked: TCP times out, UDP and TLS (5061) work', async () => {
    applyFault('block-tcp-5060');
    const { result } = await checkFromClient();
    expect(outcomeOf(result, 'TCP')).toBe('no-response');
    expect(result.attempts.find((a) => a.transport === 'tcp')!.detail).toMatch(/SYN unanswered/);
    expect(outcomeOf(result, 'UDP from an ephemeral port')).toBe('registered');
    expect(outcomeOf(result, 'TLS')).toBe('registered');
  });

  it('wrong password: at most two failed authentications in the whole run', async () => {
    const { code, result } = await checkFromClient([], 'not-the-password');
    expect(code).toBe(1);
    expect(result.authFailures).toBe(2);
    expect(result.attempts.filter((a) => a.outcome === 'auth-failed')).toHaveLength(2);
    expect(result.attempts.filter((a) => a.outcome === 'auth-skipped').length).toBe(result.attempts.length - 2);
    expect(JSON.stringify(result)).not.toContain('not-the-password');
  });

  it('all UDP blocked: the check still ends within 10 s', async () => {
    applyFault('block-all-udp');
    const { result } = await checkFromClient();
    expect(result.attempts.filter((a) => a.transport === 'udp').every((a) => a.outcome === 'no-response')).toBe(true);
    expect(outcomeOf(result, 'TCP')).toBe('registered');
    expect(result.durationMs).toBeLessThan(10_000);
  });

  it('server down: UDP gets ICMP port unreachable and TCP a reset, reported as refused', async () => {
    await kamailio.stop();
    try {
      const { code, result } = await checkFromClient();
      expect(code).toBe(1);
      expect(new Set(result.attempts.map((a) => a.outcome))).toEqual(new Set(['refused']));
    } finally {
      await kamailio.start();
    }
  });
});
