import { beforeEach, describe, expect, it } from 'vitest';
import { diagnose } from '../../shared/diagnosis/diagnose.js';
import { toBase64 } from '../../shared/hash/utf8.js';
import type { FragmentationSeries, StunNatResult } from '../../shared/model/path-results.js';
import type { AttemptResult, CheckResult } from '../../shared/model/results.js';
import type { TraceEvent } from '../../shared/model/trace.js';
import { checkResult } from '../builders.js';

let seq = 0;
const trace: TraceEvent[] = [];
function ev(attempt: number, kind: TraceEvent['kind'], text?: string, t = 10): number {
  const e: TraceEvent = { seq: ++seq, t, attempt, kind, ...(text ? { bytes: toBase64(new TextEncoder().encode(text)) } : {}) };
  trace.push(e);
  return e.seq;
}
function attempt(id: number, label: string, over: Partial<AttemptResult>): AttemptResult {
  const seqs = [
    ev(id, 'sent', 'REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.168.1.2:5060;branch=z9hG4bK1\r\nCall-ID: x\r\nCSeq: 1 REGISTER\r\n\r\n'),
  ];
  return {
    id,
    label,
    transport: 'udp',
    target: { host: 'sip.example.com', address: '192.0.2.10', port: 5060 },
    sourcePortMode: 'ephemeral',
    rport: true,
    outcome: 'registered',
    detail: 'd',
    durationMs: 10,
    startedAt: 0,
    requestsSent: 1,
    retransmissions: 0,
    responsesFromElsewhere: [],
    traceSeqs: seqs,
    ...over,
  };
}
const result = (attempts: AttemptResult[], over: Partial<CheckResult> = {}): CheckResult => checkResult({ attempts, trace, ...over });
const ids = (r: CheckResult) => diagnose(r).findings.map((f) => f.id);
const healthy = () => [
  attempt(1, 'UDP from port 5060', { sourcePortMode: 'fixed-5060', status: 200 }),
  attempt(2, 'UDP from an ephemeral port', { status: 200 }),
  attempt(3, 'TCP', { transport: 'tcp', status: 200 }),
  attempt(4, 'TLS', { transport: 'tls', status: 200, target: { host: 'sip.example.com', address: '192.0.2.10', port: 5061 } }),
];

describe('diagnosis', () => {
  beforeEach(() => {
    trace.length = 0;
    seq = 0;
  });

  it('healthy path: no findings, and a plain verdict', () => {
    const d = diagnose(result(healthy()));
    expect(d.findings).toEqual([]);
    expect(d.verdict).toBe('Registration works over UDP and TCP and TLS.');
  });

  it('seed 000: inbound UDP to port 5060 dropped, with evidence and the fix', () => {
    const healthyPort = attempt(2, 'UDP from an ephemeral port', { status: 200 });
    const answer = ev(2, 'received', 'SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 192.168.1.2:5060;branch=z9hG4bK1\r\nCSeq: 1 REGISTER\r\n\r\n');
    healthyPort.traceSeqs.push(answer);
    const r = result([
      attempt(1, 'UDP from port 5060', { sourcePortMode: 'fixed-5060', outcome: 'no-response', retransmissions: 3 }),
      healthyPort,
      attempt(3, 'TCP', { transport: 'tcp', status: 200 }),
    ]);
    const d = diagnose(r);
    expect(d.findings[0]).toMatchObject({ id: 'inbound-udp-5060-dropped', severity: 'error', attempts: [1, 2] });
    // The silent attempt's messages, and of the healthy one only its answer (the contrast), so the ladder flags no healthy request.
    expect(d.findings[0]!.evidence).toEqual([...r.attempts[0]!.traceSeqs, answer]);
    expect(d.findings[0]!.fix.join()).toMatch(/5062/);
    // The problem first, naming what fails; then what works.
    expect(d.verdict).toBe(
      'UDP from port 5060 fails: your internet provider or router blocks incoming SIP on port 5060. Registration works over UDP (from an ephemeral port) and TCP.',
    );
    // Not a seed-000 case when the ephemeral port is silent too.
    expect(
      ids(
        result([
          attempt(1, 'UDP from port 5060', { sourcePortMode: 'fixed-5060', outcome: 'no-response' }),
          attempt(2, 'UDP eph', { outcome: 'no-response' }),
          attempt(3, 'TCP', { transport: 'tcp', status: 200 }),
        ]),
      ),
    ).toEqual(['silent-udp']);
  });

  it('wrong credentials vs unknown user vs no password', () => {
    expect(ids(result([attempt(1, 'UDP', { outcome: 'auth-failed', status: 401 })], { authFailures: 1 }))).toContain('credentials-rejected');
    expect(ids(result([attempt(1, 'UDP', { outcome: 'rejected', status: 404, reason: 'Not Found' })]))).toEqual(['user-unknown']);
    expect(
      ids(
        result([attempt(1, 'UDP', { outcome: 'auth-skipped', status: 401 })], {
          account: { server: 's', domain: 'd', user: 'u', authUser: 'u', transports: ['udp'], passwordGiven: false },
        }),
      ),
    ).toEqual(['no-password']);
  });

  it('DNS failure, refused, silence everywhere', () => {
    ev(0, 'dns');
    trace[trace.length - 1]!.note = 'NAPTR sip.nowhere.example: no records (no error)';
    const lookup = ev(0, 'dns');
    Object.assign(trace[trace.length - 1]!, { note: 'A sip.nowhere.example: ENOTFOUND: name does not exist', dnsError: 'ENOTFOUND' });
    const dns = diagnose(result([attempt(1, 'UDP', { outcome: 'dns-failure', detail: 'could not resolve' })])).findings;
    expect(dns.map((f) => f.id)).toEqual(['dns-failure']);
    // The evidence is the failed lookup, read from its code; a note that merely says "error" is not cited.
    expect(dns[0]!.evidence).toEqual([lookup]);
    expect(ids(result([attempt(1, 'UDP', { outcome: 'refused' })]))).toEqual(['refused-udp']);
    expect(ids(result([attempt(1, 'UDP', { outcome: 'no-response' }), attempt(2, 'TCP', { transport: 'tcp', outcome: 'no-response' })]))).toEqual([
      'server-silent',
    ]);
  });

  it('TLS certificate problems are named by their cause', () => {
    const tls = (verifyError: string) =>
      ids(
        result([attempt(1, 'TLS', { transport: 'tls', outcome: 'tls-failure', detail: verifyError, tls: { verified: false, verifyError, servername: 's' } })]),
      );
    expect(tls('CERT_HAS_EXPIRED')).toEqual(['tls-certificate-expired']);
    expect(tls("ERR_TLS_CERT_ALTNAME_INVALID: Hostname/IP does not match certificate's altnames")).toEqual(['tls-certificate-wrong-host']);
    expect(tls('UNABLE_TO_VERIFY_LEAF_SIGNATURE')).toEqual(['tls-certificate-untrusted']);
    expect(tls('wrong version number')).toEqual(['tls-handshake-failed']);
  });

  it('server errors, redirects, answers from elsewhere, silence after failed logins', () => {
    expect(ids(result([attempt(1, 'UDP', { outcome: 'rejected', status: 503, reason: 'Service Unavailable' })]))).toEqual(['server-error']);
    expect(ids(result([attempt(1, 'UDP', { outcome: 'redirected', status: 302 })]))).toEqual(['redirected']);
    expect(ids(result([attempt(1, 'UDP', { status: 200, responsesFromElsewhere: [{ address: '192.0.2.11', port: 5060 }] })]))).toEqual([
      'response-from-unexpected-address',
    ]);
    const ban = diagnose(result([attempt(1, 'UDP', { outcome: 'challenged-no-answer', status: 401 })], { authFailures: 2 })).findings[0]!;
    expect(ban).toMatchObject({ id: 'silent-after-credentials', title: expect.stringContaining('possible ban') });
  });

  it('clock skew from the Date header, only when large', () => {
    const withDate = (date: string) => {
      trace.length = 0;
      const a = attempt(1, 'UDP', { status: 200 });
      a.traceSeqs.push(
        ev(1, 'received', `SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 192.168.1.2:5060;branch=z9hG4bK1\r\nDate: ${date}\r\nCSeq: 1 REGISTER\r\n\r\n`, 1000),
      );
      return ids(result([a]));
    };
    expect(withDate('Sat, 21 Nov 2026 12:30:00 GMT')).toEqual(['clock-skew']);
    expect(withDate('Sat, 21 Nov 2026 12:00:02 GMT')).toEqual([]);
  });

  it('path findings: lost and late fragments, symmetric NAT, short bindings, ALGs', () => {
    const series = (largest: number, smallestLost: number | undefined, lateRtt: number): FragmentationSeries => ({
      transport: 'udp',
      mode: 'upstream',
      largestDelivered: largest,
      smallestLost,
      points: [
        { size: 1000, delivered: true, rttMs: 20, sends: 1 },
        { size: 3000, delivered: largest >= 3000, rttMs: lateRtt, sends: 1 },
      ],
    });
    const frag = (s: FragmentationSeries) => ({
      fragmentation: {
        target: { host: 'h', address: 'a', port: 1 },
        outcome: 'ok' as const,
        detail: '',
        series: [s],
        skipped: [],
        durationMs: 1,
        traceSeqs: [ev(9, 'sent', 'OPTIONS')],
      },
    });
    expect(ids(result(healthy(), { pathProbes: frag(series(1472, 1500, 0)) }))).toEqual(['large-udp-lost']);
    expect(ids(result(healthy(), { pathProbes: frag(series(8000, undefined, 2500)) }))).toEqual(['large-udp-delayed']);
    expect(ids(result(healthy(), { pathProbes: frag(series(8000, undefined, 60)) }))).toEqual([]);
    const stun = (over: Partial<StunNatResult>): CheckResult['pathProbes'] => ({
      stun: {
        server: { host: 'h', address: 'a', port: 1 },
        outcome: 'ok',
        detail: '',
        portPreservation: [],
        skipped: [],
        durationMs: 1,
        traceSeqs: [ev(9, 'stun')],
        ...over,
      },
    });
    expect(ids(result(healthy(), { pathProbes: stun({ mapping: 'address-and-port-dependent', classic: 'Symmetric NAT' }) }))).toEqual(['symmetric-nat']);
    expect(
      ids(result(healthy(), { pathProbes: stun({ mapping: 'endpoint-independent', bindingLifetime: { aliveAfter: [10], expiredAfter: [20], detail: '' } }) })),
    ).toEqual(['short-nat-binding']);
    expect(
      ids(result(healthy(), { pathProbes: stun({ mapping: 'endpoint-independent', bindingLifetime: { aliveAfter: [60], expiredAfter: [90], detail: '' } }) })),
    ).toEqual([]);
    expect(ids(result(healthy(), { pathProbes: stun({ mappedRewritten: true }) }))).toEqual(['stun-address-rewritten']);
    const alg = {
      alg: {
        target: { host: 'h', address: 'a', port: 5060 },
        outcome: 'rewritten' as const,
        durationMs: 1,
        traceSeqs: [ev(9, 'sent', 'OPTIONS')],
        checks: [
          {
            transport: 'udp' as const,
            port: 5060,
            outcome: 'rewritten' as const,
            detail: '',
            differences: [{ what: 'Contact', sent: 'a', seen: 'b', direction: 'request' as const }],
          },
        ],
      },
    };
    expect(ids(result(healthy(), { pathProbes: alg }))).toEqual(['sip-alg']);
  });

  it('drops any finding that would have no evidence', () => {
    const r = result([attempt(1, 'UDP', { outcome: 'refused', traceSeqs: [] })]);
    expect(diagnose(r).findings).toEqual([]);
  });
});
