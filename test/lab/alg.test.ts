// Lab: a router with a bad SIP ALG on UDP 5060; the reflector's mirror must expose the rewriting
// there, and only there, and a clean router must show no ALG.
import { describe, expect, it } from 'vitest';
import type { AlgResult } from '../../shared/model/path-results.js';
import { applyFault, checkFromClient, labUnavailableReason, NAT_PUBLIC_IP, reflector, SERVER_IP, sipAlg } from './lab.js';
import { useLab } from './use-lab.js';
import { diagnose } from '../../shared/diagnosis/diagnose.js';

const unavailable = labUnavailableReason();

async function algCheck(): Promise<AlgResult> {
  const { result } = await checkFromClient(['--transports', 'udp', '--reflector', SERVER_IP]);
  return result.pathProbes!.alg!;
}
const check = (r: AlgResult, transport: string, port: number) => r.checks.find((c) => c.transport === transport && c.port === port)!;

describe.skipIf(unavailable !== null)('lab: SIP ALG and inbound reachability through the reflector', () => {
  const alg = sipAlg();
  useLab({ processes: [reflector(), alg] });

  it('clean router: every path delivers the request unchanged; answers reach port 5060, knocks from another port are filtered', async () => {
    const { result } = await checkFromClient(['--transports', 'udp', '--reflector', SERVER_IP]);
    const r = result.pathProbes!.alg!;
    expect(result.pathProbes!.inbound!.checks.map((c) => [c.localPort === 5060, c.responseReceived, c.knockReceived])).toEqual([
      [true, true, false],
      [false, true, false],
    ]);
    expect(r.outcome).toBe('clean');
    expect(r.checks.map((c) => `${c.transport}/${c.port}=${c.outcome}`).sort()).toEqual(['tcp/5060=clean', 'udp/5060=clean', 'udp/5099=clean']);
  });

  it('seed 000 through the reflector: its answers never reach local port 5060', async () => {
    applyFault('drop-inbound-udp-5060');
    const { result } = await checkFromClient(['--transports', 'udp', '--reflector', SERVER_IP]);
    const [fixed, other] = result.pathProbes!.inbound!.checks;
    expect([fixed!.localPort, fixed!.responseReceived, other!.responseReceived]).toEqual([5060, false, true]);
    expect(diagnose(result).findings.map((f) => f.id)).toContain('inbound-udp-5060-dropped');
  });

  it('an ALG on UDP 5060 rewrites Via, Contact and SDP; port 5099 and TCP are untouched', async () => {
    alg.enable();
    const r = await algCheck();
    expect(r.outcome).toBe('rewritten');
    const u = check(r, 'udp', 5060);
    expect(u.outcome).toBe('rewritten');
    expect(u.differences.map((d) => d.what)).toEqual(expect.arrayContaining(['Via sent-by', 'Contact', 'SDP c=', 'SDP o=']));
    expect(u.differences.find((d) => d.what === 'Contact')!.seen).toContain(NAT_PUBLIC_IP);
    expect(check(r, 'udp', 5099).outcome).toBe('clean');
    expect(check(r, 'tcp', 5060).outcome).toBe('clean');
  });
});
