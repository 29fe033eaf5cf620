// Lab: a router with a bad SIP ALG on UDP 5060 in front of a real registrar, and no reflector: the
// registrar's own answers plus STUN must expose the ALG, and a clean router must show none.
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../shared/diagnosis/diagnose.js';
import { fromBase64, fromUtf8 } from '../../shared/hash/utf8.js';
import { checkFromClient, coturn, labUnavailableReason, SERVER_IP, sipAlg } from './lab.js';
import { useLab } from './use-lab.js';

const unavailable = labUnavailableReason();
const check = () => checkFromClient(['--transports', 'udp,tcp', '--stun', SERVER_IP]);

describe.skipIf(unavailable !== null)('lab: SIP ALG found from the registrar\'s answers (no reflector)', () => {
  const alg = sipAlg();
  useLab({ kamailio: true, processes: [coturn(), alg] });

  it('clean router: no ALG finding', async () => {
    const { result } = await check();
    console.log(JSON.stringify(diagnose(result).findings.map((f) => f.technical)));
    expect(result.attempts.every((a) => a.outcome === 'registered')).toBe(true);
    expect(diagnose(result).findings.map((f) => f.id)).not.toContain('sip-alg-passive');
  });

  it('an ALG on UDP 5060: found, with the registrar\'s answers as evidence', async () => {
    alg.enable();
    const { result } = await check();
    for (const a of result.attempts) console.log(a.label, a.outcome, JSON.stringify(a.via), a.localAddress, a.localPort);
    const f = diagnose(result).findings.find((x) => x.id === 'sip-alg-passive');
    console.log(JSON.stringify(f, null, 1));
    for (const e of result.trace.filter((x) => x.attempt === 1 && x.bytes)) console.log(fromUtf8(fromBase64(e.bytes!)));
    expect(f).toBeDefined();
  });
});
