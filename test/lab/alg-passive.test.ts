// Lab: a router with a bad SIP ALG on UDP 5060 in front of a real registrar (Kamailio), and no
// reflector: the registrar's own answers (plus TCP, plus STUN when given) must expose the ALG, and a
// clean router must show none.
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../shared/diagnosis/diagnose.js';
import type { CheckResult } from '../../shared/model/results.js';
import { checkFromClient, coturn, labUnavailableReason, NAT_PUBLIC_IP, SERVER_IP, sipAlg } from './lab.js';
import { useLab } from './use-lab.js';

const unavailable = labUnavailableReason();
const passiveAlg = (r: CheckResult) => diagnose(r).findings.find((f) => f.id === 'sip-alg-passive');

describe.skipIf(unavailable !== null)("lab: SIP ALG found from the registrar's answers (no reflector)", () => {
  const alg = sipAlg();
  useLab({ kamailio: true, processes: [coturn(), alg] });

  it('clean router: every attempt registers, no ALG finding', async () => {
    const { result } = await checkFromClient(['--transports', 'udp,tcp', '--stun', SERVER_IP]);
    expect(result.attempts.map((a) => a.outcome)).toEqual(['registered', 'registered', 'registered', 'registered']);
    expect(passiveAlg(result)).toBeUndefined();
  });

  it('an ALG on UDP 5060, registrar only: our private address comes back as the source while TCP sees the public one', async () => {
    alg.enable();
    const { result } = await checkFromClient(['--transports', 'udp,tcp', '--skip-path-probes']);
    expect(result.pathProbes).toBeUndefined();
    const f = passiveAlg(result)!;
    expect(f).toMatchObject({ severity: 'error', confidence: 'high' });
    // The ALG's rewriting also breaks the login over UDP (it rewrites the realm): the ALG leads, not "wrong password".
    const d = diagnose(result);
    expect(d.findings[0]!.id).toBe('sip-alg-passive');
    // Which UDP attempts the verdict names depends on which transport authenticated first.
    expect(d.verdict).toMatch(
      /^(UDP[^:]* fails?: your router rewrites SIP messages \(SIP ALG\)\. Registration works over TCP|Registration fails everywhere: your router rewrites SIP messages \(SIP ALG\))\.$/,
    );
    // However the failed logins fell, a binding the server accepted is removed (its slot is reserved).
    for (const a of result.attempts.filter((x) => x.outcome === 'registered')) expect(a.unregistered).toBe(true);
    const udp = result.attempts.filter((a) => a.transport === 'udp' && a.via?.received);
    expect(f.attempts.sort()).toEqual(udp.map((a) => a.id).sort());
    expect(f.technical).toContain(
      `the server reports our private address 192.168.77.2 as the source, while ${NAT_PUBLIC_IP} is what it or STUN sees elsewhere`,
    );
    // The evidence is the registrar's answers and the requests they answer, nothing from the clean TCP path.
    const tcp = new Set(result.attempts.find((a) => a.transport === 'tcp')!.traceSeqs);
    expect(f.evidence.some((s) => tcp.has(s))).toBe(false);
    expect(f.evidence.every((s) => ['sent', 'received'].includes(result.trace.find((e) => e.seq === s)!.kind))).toBe(true);
  });

  it('an ALG on UDP 5060, with STUN: the changed port of local 5060 is named too', async () => {
    alg.enable();
    const { result } = await checkFromClient(['--transports', 'udp,tcp', '--stun', SERVER_IP]);
    expect(result.pathProbes!.stun!.portPreservation).toEqual([expect.objectContaining({ localPort: 5060, preserved: true })]);
    const f = passiveAlg(result)!;
    expect(f.severity).toBe('error');
    expect(f.technical).toMatch(/the server saw local port 5060 as port \d+, while STUN shows the router keeps port 5060/);
  });
});
