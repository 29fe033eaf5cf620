// Issue 9: verdicts that are right (cancelled runs, realms, ALGs seen passively, silent transports
// explained), the problem first, the advice line for the user's client, the form's address splitting,
// and the raw pane's highlighting that never changes a character.
import { beforeEach, describe, expect, it } from 'vitest';
import { diagnose } from '../../shared/diagnosis/diagnose.js';
import { toBase64 } from '../../shared/hash/utf8.js';
import { ladderModel } from '../../shared/ladder/model.js';
import { layoutLadder } from '../../shared/ladder/layout.js';
import { asciiLadder } from '../../shared/ladder/ascii.js';
import { ladderSvg } from '../../shared/ladder/svg.js';
import type { FragmentationResult, StunNatResult } from '../../shared/model/path-results.js';
import type { AttemptResult, CheckResult } from '../../shared/model/results.js';
import type { TraceEvent } from '../../shared/model/trace.js';
import { adviceFor } from '../../shared/profiles/advice.js';
import { CLIENT_PROFILES } from '../../shared/profiles/clients.js';
import { predictProfiles } from '../../shared/profiles/predict.js';
import { normaliseForm, validateForm } from '../../renderer/src/form.js';
import { markParts } from '../../renderer/src/marks.js';
import { EMPTY_FORM } from '../../renderer/src/store.js';
import { checkResult } from '../builders.js';

let trace: TraceEvent[] = [];
const msg = (attempt: number, kind: 'sent' | 'received', text: string, t = 10): number => {
  const e: TraceEvent = { seq: trace.length + 1, t, attempt, kind, bytes: toBase64(new TextEncoder().encode(text)) };
  trace.push(e);
  return e.seq;
};
const REG = (via: string, contact = '<sip:alice@192.168.1.2:5060>', expires = 60) =>
  `REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/UDP ${via};branch=z9hG4bK${trace.length}\r\nCall-ID: c\r\nCSeq: 1 REGISTER\r\nContact: ${contact}\r\nExpires: ${expires}\r\n\r\n`;
const answer = (request: string, status: string, via: string, contact?: string) =>
  `SIP/2.0 ${status}\r\nVia: SIP/2.0/UDP ${via};branch=${/branch=([^\r;]+)/.exec(request)![1]}\r\nCall-ID: c\r\nCSeq: 1 REGISTER\r\n${contact ? `Contact: ${contact}\r\n` : ''}\r\n`;

function attempt(
  id: number,
  label: string,
  over: Partial<AttemptResult> = {},
  exchange?: { via?: string; answerVia?: string; contact?: string; status?: string },
): AttemptResult {
  const request = REG(exchange?.via ?? '192.168.1.2:5060');
  const seqs = [msg(id, 'sent', request)];
  if (exchange?.answerVia) seqs.push(msg(id, 'received', answer(request, exchange.status ?? '200 OK', exchange.answerVia, exchange.contact), 30));
  return {
    id,
    label,
    transport: 'udp',
    target: { host: 'sip.example.com', address: '198.51.100.10', port: 5060 },
    sourcePortMode: 'ephemeral',
    rport: true,
    outcome: 'registered',
    status: 200,
    detail: 'd',
    durationMs: 20,
    startedAt: 0,
    requestsSent: 1,
    retransmissions: 0,
    responsesFromElsewhere: [],
    localAddress: '192.168.1.2',
    localPort: 5060,
    traceSeqs: seqs,
    ...over,
  };
}
const result = (attempts: AttemptResult[], over: Partial<CheckResult> = {}): CheckResult => checkResult({ attempts, trace, ...over });
const stun = (over: Partial<StunNatResult>): StunNatResult => ({
  server: { host: 'stun', address: '198.51.100.20', port: 3478 },
  outcome: 'ok',
  detail: '',
  portPreservation: [],
  skipped: [],
  durationMs: 1,
  traceSeqs: [msg(99, 'sent', 'x')],
  ...over,
});

beforeEach(() => {
  trace = [];
});

describe('a cancelled run', () => {
  const cancelled = () =>
    result(
      [
        attempt(1, 'UDP from port 5060', { sourcePortMode: 'fixed-5060', outcome: 'aborted', status: undefined }),
        attempt(2, 'UDP from an ephemeral port'),
        attempt(3, 'TCP', { transport: 'tcp', outcome: 'aborted', status: undefined }),
      ],
      { incomplete: { reason: 'cancelled', detail: 'cancelled by the user after 0.4 s; not finished: UDP from port 5060, TCP' } },
    );

  it('says it is incomplete, never "works … no problems", and judges only what finished', () => {
    const d = diagnose(cancelled());
    expect(d.verdict).toBe('Check cancelled, results incomplete: so far registration works over UDP (from an ephemeral port).');
    expect(d.findings).toEqual([]);
    // The same attempts, not cancelled but silent, are seed 000: cancelling must not look like it.
    const silent = result(cancelled().attempts.map((a) => (a.outcome === 'aborted' ? { ...a, outcome: 'no-response' } : a)));
    expect(diagnose(silent).findings.map((f) => f.id)).toContain('inbound-udp-5060-dropped');
  });

  it('predicts nothing from an aborted attempt and ignores an aborted fragmentation probe', () => {
    const frag: FragmentationResult = {
      target: { host: 'h', address: 'a', port: 1 },
      outcome: 'aborted',
      detail: 'cancelled',
      skipped: [],
      durationMs: 1,
      traceSeqs: [1],
      series: [{ transport: 'udp', mode: 'upstream', points: [{ size: 500, delivered: false, sends: 1 }] }],
    };
    const r = { ...cancelled(), pathProbes: { fragmentation: frag } };
    const jitsi = predictProfiles(r, CLIENT_PROFILES).find((p) => p.profile === 'jitsi')!;
    expect(jitsi).toMatchObject({ verdict: 'unknown', because: 'the check was cancelled before UDP from port 5060 finished' });
    expect(predictProfiles(r, CLIENT_PROFILES).flatMap((p) => p.warnings)).toEqual([]);
    expect(diagnose(r).findings).toEqual([]);
  });

  it('draws no lost answer for a cancelled attempt', () => {
    const [column] = ladderModel(cancelled(), [], [1]);
    expect(column!.arrows.map((a) => a.lost)).toEqual([false]);
  });
});

describe('the ladder', () => {
  it('draws a refusal (ICMP) apart from a lost answer, and gives a lost answer no time', () => {
    const r = result([
      attempt(1, 'UDP refused', { outcome: 'refused', status: undefined, durationMs: 40 }),
      attempt(2, 'UDP silent', { outcome: 'no-response', status: undefined }),
    ]);
    const [refused, lost] = ladderModel(r);
    expect(refused!.arrows.at(-1)).toMatchObject({ refused: true, lost: false, label: 'refused: ICMP port unreachable', delta: 30 });
    expect(lost!.arrows.at(-1)).toMatchObject({ refused: false, lost: true });
    const layout = layoutLadder([refused!, lost!]);
    expect(layout.arrows.map((a) => a.timeLabel)).toEqual(['10 ms', '30 ms after the request', '10 ms', 'never arrived']);
    // The text and SVG views draw it apart too: "~" reaching this computer, "!" / ⊘ at its end.
    expect(asciiLadder(refused!).split('\n').at(-1)).toMatch(/^\|!<~+ refused: ICMP port unreachable \|\s+\+30 ms$/);
    expect(asciiLadder(lost!).split('\n').at(-1)).toMatch(/x< no answer to REGISTER -+\|\s*$/);
    expect(ladderSvg(layout)).toContain('>⊘</text>');
  });

  it('flags only the arrows a finding cites (and the lost answer to a cited request)', () => {
    const r = result([
      attempt(1, 'UDP from port 5060', { sourcePortMode: 'fixed-5060', outcome: 'no-response', status: undefined }),
      attempt(2, 'UDP from an ephemeral port', {}, { answerVia: '192.168.1.2:5060;received=203.0.113.1;rport=40000' }),
    ]);
    const d = diagnose(r);
    const flagged = ladderModel(r, d.findings).map((c) => c.arrows.filter((a) => a.annotations.length).map((a) => a.label));
    expect(flagged).toEqual([['REGISTER', 'no answer to REGISTER'], ['200 OK']]);
  });
});

describe('verdict wording', () => {
  it('keeps acronyms when a title goes mid-sentence', () => {
    const lostAbove1200: FragmentationResult = {
      target: { host: 'h', address: 'a', port: 1 },
      outcome: 'ok',
      detail: '',
      skipped: [],
      durationMs: 1,
      traceSeqs: [1],
      series: [
        {
          transport: 'udp',
          mode: 'upstream',
          largestDelivered: 1200,
          smallestLost: 1500,
          points: [
            { size: 1200, delivered: true, rttMs: 10, sends: 1 },
            { size: 1500, delivered: false, sends: 3 },
          ],
        },
      ],
    };
    const r = result([attempt(1, 'UDP from port 5060', { outcome: 'aborted', status: undefined })], {
      incomplete: { reason: 'cancelled', detail: 'd' },
      pathProbes: { fragmentation: lostAbove1200 },
    });
    expect(diagnose(r).verdict).toMatch(/^Check cancelled, results incomplete: SIP messages .*; no registration had succeeded yet\.$/);
  });

  it('a plain wrong password does not send the user to another domain; an unrelated domain realm is a note', () => {
    const failed = (realm: string, domain = 'example.com') => {
      trace = [];
      const a = attempt(1, 'UDP', { outcome: 'auth-failed', status: 401 });
      a.traceSeqs.push(
        msg(
          1,
          'received',
          `SIP/2.0 401 Unauthorized\r\nVia: SIP/2.0/UDP 192.168.1.2:5060;branch=z9hG4bK0\r\nCSeq: 1 REGISTER\r\nWWW-Authenticate: Digest realm="${realm}", nonce="n"\r\n\r\n`,
        ),
      );
      return diagnose(
        result([a], {
          account: { server: 'sip.example.com', domain, user: 'alice', authUser: 'alice', transports: ['udp'], passwordGiven: true },
          authFailures: 1,
        }),
      ).findings;
    };
    expect(failed('asterisk').map((f) => f.id)).toEqual(['credentials-rejected']);
    expect(failed('sip.example.com').map((f) => f.id)).toEqual(['credentials-rejected']);
    expect(failed('voip.other.net', '198.51.100.10').map((f) => f.id)).toEqual(['credentials-rejected']);
    expect(failed('voip.other.net').map((f) => [f.id, f.severity])).toEqual([
      ['credentials-rejected', 'error'],
      ['realm-domain-mismatch', 'info'],
    ]);
  });
});

describe('SIP ALG seen passively', () => {
  const alg = (r: CheckResult) => diagnose(r).findings.find((f) => f.id === 'sip-alg-passive');

  it('a Via sent-by that comes back rewritten proves it, with the request and answer as evidence', () => {
    const a = attempt(1, 'UDP', {}, { answerVia: '203.0.113.1:5060;rport=5060' });
    const f = alg(result([a]));
    expect(f).toMatchObject({ severity: 'error', confidence: 'high', evidence: a.traceSeqs });
    expect(f!.technical).toMatch(/Via sent-by 192\.168\.1\.2:5060 came back as 203\.0\.113\.1:5060/);
  });

  it('our private address reported as the source, where TCP saw the public one', () => {
    const udp = attempt(
      1,
      'UDP',
      { via: { sentBy: '192.168.1.2:5060', rportRequested: true, received: '192.168.1.2', rport: 51671 } },
      { answerVia: '192.168.1.2:5060;rport=51671;received=192.168.1.2' },
    );
    const tcp = attempt(2, 'TCP', { transport: 'tcp', via: { sentBy: '192.168.1.2:40000', rportRequested: true, received: '203.0.113.1', rport: 40000 } });
    expect(alg(result([udp, tcp]))).toMatchObject({ severity: 'error', attempts: [1] });
  });

  it('a changed port while STUN says the router keeps it is a suspicion; a 200 without our binding too', () => {
    const a = attempt(
      1,
      'UDP',
      { via: { sentBy: '192.168.1.2:5060', rportRequested: true, received: '203.0.113.1', rport: 51671 } },
      { answerVia: '192.168.1.2:5060;rport=51671;received=203.0.113.1' },
    );
    const preserved = stun({ mapping: 'endpoint-independent', portPreservation: [{ localPort: 5060, mappedPort: 5060, preserved: true, detail: '' }] });
    expect(alg(result([a], { pathProbes: { stun: preserved } }))).toMatchObject({ severity: 'warning', confidence: 'medium' });
    expect(alg(result([a]))).toBeUndefined();
    const moved = attempt(2, 'UDP', {}, { answerVia: '192.168.1.2:5060', contact: '<sip:alice@203.0.113.1:5060>;expires=60' });
    expect(alg(result([moved]))!.technical).toMatch(/our Contact 192\.168\.1\.2:5060 is not among the bindings/);
    expect(alg(result([moved]))!.severity).toBe('warning');
  });

  it('two kinds of hint prove it; one kind on several attempts does not', () => {
    const bothHints = attempt(
      1,
      'UDP',
      { via: { sentBy: '192.168.1.2:5060', rportRequested: true, received: '203.0.113.1', rport: 51671 } },
      { answerVia: '192.168.1.2:5060;rport=51671;received=203.0.113.1', contact: '<sip:alice@203.0.113.1:51671>' },
    );
    const preserved = stun({ portPreservation: [{ localPort: 5060, mappedPort: 5060, preserved: true, detail: '' }] });
    expect(alg(result([bothHints], { pathProbes: { stun: preserved } }))).toMatchObject({ severity: 'error', confidence: 'high' });
    const contactOnly = (id: number) => attempt(id, `UDP ${id}`, {}, { answerVia: '192.168.1.2:5060', contact: '<sip:alice@203.0.113.1:5060>' });
    expect(alg(result([contactOnly(1), contactOnly(2)]))).toMatchObject({ severity: 'warning', attempts: [1, 2] });
  });

  it("a clean path, a LAN server, and the reflector's definitive finding: nothing passive", () => {
    expect(alg(result([attempt(1, 'UDP', {}, { answerVia: '192.168.1.2:5060;rport=5060;received=203.0.113.1' })]))).toBeUndefined();
    const lan = attempt(1, 'UDP', {
      target: { host: 'pbx', address: '192.168.1.1', port: 5060 },
      via: { sentBy: '192.168.1.2:5060', rportRequested: true, received: '192.168.1.2', rport: 5060 },
    });
    expect(alg(result([lan]))).toBeUndefined();
    const rewritten = attempt(1, 'UDP', {}, { answerVia: '203.0.113.1:5060' });
    const mirror = {
      target: { host: 'r', address: 'a', port: 5099 },
      outcome: 'rewritten' as const,
      checks: [
        { transport: 'udp' as const, port: 5060, outcome: 'rewritten' as const, differences: [{ what: 'Contact', direction: 'request' as const }], detail: '' },
      ],
      durationMs: 1,
      traceSeqs: [1],
    };
    expect(diagnose(result([rewritten], { pathProbes: { alg: mirror } })).findings.map((f) => f.id)).toEqual(['sip-alg']);
  });
});

describe('a silent transport is explained', () => {
  const silentUdp = (over: Partial<CheckResult> = {}) =>
    diagnose(result([attempt(1, 'UDP', { outcome: 'no-response', status: undefined }), attempt(2, 'TCP', { transport: 'tcp' })], over)).findings.find(
      (f) => f.id === 'silent-udp',
    )!;

  it("by the router's filtering (STUN), STUN's own silence, or with low confidence when nothing tells", () => {
    expect(silentUdp({ pathProbes: { stun: stun({ filtering: 'address-and-port-dependent' }) } })).toMatchObject({
      confidence: 'medium',
      explanation: expect.stringMatching(/answers from another address or port .* drops every answer/),
    });
    expect(silentUdp({ pathProbes: { stun: stun({ outcome: 'no-response' }) } }).explanation).toMatch(/UDP seems blocked on the way as a whole/);
    expect(silentUdp({ pathProbes: { stun: stun({ filtering: 'endpoint-independent' }) } }).explanation).toMatch(/lets in UDP from any address/);
    expect(silentUdp()).toMatchObject({ confidence: 'low' });
  });
});

describe('the line under the verdict', () => {
  it('speaks the settings of the client the user picked, else the first fix', () => {
    const r = result([
      attempt(1, 'UDP from port 5060', { sourcePortMode: 'fixed-5060', rport: false, outcome: 'no-response', status: undefined }),
      attempt(2, 'UDP from an ephemeral port'),
      attempt(3, 'TCP', { transport: 'tcp' }),
    ]);
    const d = diagnose(r);
    expect(adviceFor('jitsi', r, d)).toMatch(
      /^Jitsi \(desktop\): set Advanced → SIP → "SIP client port" to another port \(e\.g\. 5062\) or to random, or switch .* to TCP\.$/,
    );
    expect(adviceFor('linphone', r, d)).toMatch(/^Linphone should register here with its default settings; still, set the phone's local SIP port/);
    expect(adviceFor('unknown', r, d)).toBe("What to do: set the phone's local SIP port to another number (e.g. 5062) or to random.");
  });
});

describe('the account form', () => {
  it('accepts sip:alice@host, alice@host and host:5080 and splits them', () => {
    expect(normaliseForm({ ...EMPTY_FORM, server: 'sip:alice@pbx.example.com' })).toMatchObject({ server: 'pbx.example.com', user: 'alice', port: '' });
    expect(normaliseForm({ ...EMPTY_FORM, server: 'pbx.example.com:5080' })).toMatchObject({ server: 'pbx.example.com', port: '5080' });
    expect(normaliseForm({ ...EMPTY_FORM, user: 'alice@example.com', server: 'pbx.example.com' })).toMatchObject({
      user: 'alice',
      server: 'pbx.example.com',
      domain: 'example.com',
    });
    expect(normaliseForm({ ...EMPTY_FORM, user: 'alice@example.com' })).toMatchObject({ user: 'alice', server: 'example.com' });
    expect(normaliseForm({ ...EMPTY_FORM, server: '2001:db8::1' }).server).toBe('2001:db8::1');
    expect(validateForm({ ...EMPTY_FORM, server: 'sip:alice@pbx.example.com:5080' }).options).toMatchObject({
      server: 'pbx.example.com',
      user: 'alice',
      ports: { udp: 5080, tcp: 5080 },
    });
  });

  it("says what is wrong in the user's words, per field", () => {
    const { errors } = validateForm({ ...EMPTY_FORM, server: 'bad host', user: 'alice:secret', fixedPort: '70000', transports: [] });
    expect(errors).toEqual({
      server: 'Server: enter a host name or address (the port goes in its own field, or as host:5080)',
      user: 'User: no ":" here — never put the password in the user name',
      fixedPort: 'Fixed local port: enter a number from 1 to 65535 (5060 is what Jitsi and most desk phones use)',
      transports: 'Transports: choose at least one',
    });
    expect(validateForm(EMPTY_FORM).errors.server).toBe('Server: enter a host name or address, e.g. sip.example.com');
  });
});

describe('the raw message pane', () => {
  it('highlights received/rport without changing a character', () => {
    for (const line of [
      'Via: SIP/2.0/UDP 192.168.1.2:5060;branch=z9hG4bK1;rport=40000;received=203.0.113.1',
      'Via: SIP/2.0/UDP h;rport',
      'Contact: <sip:a@h>',
      '',
    ]) {
      expect(
        markParts(line)
          .map((p) => p.text)
          .join(''),
      ).toBe(line);
    }
    expect(
      markParts('x;rport=40000;received=1.2.3.4')
        .filter((p) => p.mark)
        .map((p) => p.text),
    ).toEqual(['rport=40000', 'received=1.2.3.4']);
  });
});

describe('the verdict names what fails', () => {
  it('one attempt by its label, a whole transport by its name', () => {
    const silent = (id: number, label: string) => attempt(id, label, { outcome: 'no-response', status: undefined });
    const allUdp = result([silent(1, 'UDP from port 5060'), silent(2, 'UDP from an ephemeral port'), attempt(3, 'TCP', { transport: 'tcp' })]);
    expect(diagnose(allUdp).verdict).toMatch(/^UDP fails: the server does not answer over UDP\. Registration works over TCP\.$/);
  });
});

describe('a login rejected on one path but accepted on another', () => {
  it('is not a wrong password: a warning that points at the path, and the ALG leads the verdict', () => {
    const udp = attempt(
      1,
      'UDP from an ephemeral port',
      { outcome: 'auth-failed', status: 401, via: { sentBy: '192.168.1.2:5060', rportRequested: true, received: '192.168.1.2', rport: 5060 } },
      { answerVia: '192.168.1.2:5060;rport=5060;received=192.168.1.2', status: '401 Unauthorized' },
    );
    const tcp = attempt(2, 'TCP', { transport: 'tcp', via: { sentBy: '192.168.1.2:40000', rportRequested: true, received: '203.0.113.1', rport: 40000 } });
    const d = diagnose(result([udp, tcp], { authFailures: 1 }));
    expect(d.findings.map((f) => [f.id, f.severity])).toEqual([
      ['sip-alg-passive', 'error'],
      ['credentials-rejected-on-one-path', 'warning'],
    ]);
    expect(d.verdict).toBe('UDP fails: your router rewrites SIP messages (SIP ALG). Registration works over TCP.');
  });
});
