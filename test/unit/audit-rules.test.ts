// The audit's pure parts: what counts as a version or a topology leak, enumeration by status vs by
// time only, and option validation (no audit without the operator's confirmation).
import { describe, expect, it } from 'vitest';
import { auditDiagnosis } from '../../shared/audit/diagnose.js';
import type { AuditExchange, AuditRecord } from '../../shared/audit/model.js';
import { validateAuditOptions } from '../../shared/audit/options.js';
import { toBase64, utf8 } from '../../shared/hash/utf8.js';
import type { AttemptResult, CheckResult } from '../../shared/model/results.js';
import type { TraceEvent } from '../../shared/model/trace.js';
import { checkResult } from '../builders.js';

const OURS = '192.168.1.20';

function response(status: string, headers: string[], body = ''): string {
  return [
    `SIP/2.0 ${status}`,
    `Via: SIP/2.0/UDP ${OURS}:5062;branch=z9hG4bK-1;rport=5062;received=198.51.100.7`,
    'From: <sip:a@example.com>;tag=1',
    'To: <sip:a@example.com>;tag=2',
    'Call-ID: c1',
    'CSeq: 1 OPTIONS',
    ...headers,
    `Content-Length: ${body.length}`,
    '',
    body,
  ].join('\r\n');
}
const REQUEST = [
  'OPTIONS sip:example.com SIP/2.0',
  `Via: SIP/2.0/UDP ${OURS}:5062;branch=z9hG4bK-1;rport`,
  'From: <sip:a@example.com>;tag=1',
  'To: <sip:a@example.com>',
  'Call-ID: c1',
  'CSeq: 1 OPTIONS',
  `Contact: <sip:a@${OURS}:5062>`,
  'Content-Length: 0',
  '',
  '',
].join('\r\n');

/** An audit whose one attempt sent REQUEST and got `answers`, with the given exchanges. */
function audit(answers: string[], exchanges: Array<Partial<AuditExchange>> = []): CheckResult & { audit: AuditRecord } {
  const texts = [REQUEST, ...answers];
  const trace: TraceEvent[] = texts.map((t, i) => ({
    seq: i + 1,
    t: i,
    attempt: 1,
    kind: i === 0 ? 'sent' : 'received',
    bytes: toBase64(utf8(t)),
    size: t.length,
  }));
  const attempt: AttemptResult = {
    id: 1,
    label: 'OPTIONS',
    transport: 'udp',
    target: { host: 'example.com', address: '198.51.100.1', port: 5060 },
    sourcePortMode: 'ephemeral',
    rport: true,
    localAddress: OURS,
    localPort: 5062,
    outcome: 'answered',
    detail: '',
    durationMs: 1,
    startedAt: 0,
    requestsSent: 1,
    retransmissions: 0,
    responsesFromElsewhere: [],
    traceSeqs: trace.map((e) => e.seq),
  };
  const full = exchanges.map((x): AuditExchange => ({
    attempt: 1,
    test: 'enumeration',
    variant: 'existing',
    method: 'REGISTER',
    transport: 'udp',
    userAgent: 'x',
    provisional: [],
    requestBytes: 300,
    responseBytes: 400,
    seqs: [1, 2],
    ...x,
  }));
  return {
    ...checkResult({
      origin: 'audit',
      account: { server: 'example.com', domain: 'example.com', user: 'alice', authUser: 'alice', transports: ['udp'], passwordGiven: false },
      attempts: [attempt],
      trace,
    }),
    audit: { confirmedOperator: true, existingUser: 'alice', randomUser: 'nobody-1', externalNumber: '+12025550100', exchanges: full, tls: [], skipped: [] },
  };
}
const finding = (r: ReturnType<typeof audit>, id: string) => auditDiagnosis(r).findings.find((f) => f.id === id);

describe('audit rules', () => {
  it('a version in Server or a Warning text is a leak; a product name alone and the Warning agent address are not', () => {
    expect(finding(audit([response('200 OK', ['Server: kamailio (5.6.3 (x86_64/linux))'])]), 'version-leak')?.technical).toBe(
      'Server: kamailio (5.6.3 (x86_64/linux)) (seq 2)',
    );
    expect(finding(audit([response('200 OK', ['Server: SIP', 'Warning: 392 203.0.113.10:5060 "Noisy feedback tells"'])]), 'version-leak')).toBeUndefined();
    expect(finding(audit([response('200 OK', ['Warning: 399 203.0.113.10 "FreeSWITCH 1.10.9"'])]), 'version-leak')?.evidence).toEqual([2]);
  });

  it('private addresses and inside names in Record-Route, Contact and SDP are leaks; our own address and top Via are not', () => {
    const sdp = 'v=0\r\no=- 1 1 IN IP4 172.16.5.5\r\nc=IN IP4 172.16.5.6\r\n';
    const r = audit([response('200 OK', [`Contact: <sip:a@${OURS}:5062>`, 'Record-Route: <sip:pbx01;lr>', 'Contact: <sip:gw@media.corp:5080>'], sdp)]);
    expect(finding(r, 'topology-leak')?.technical).toBe(
      'Record-Route: pbx01 (seq 2); Contact: media.corp (seq 2); SDP o=: 172.16.5.5 (seq 2); SDP c=: 172.16.5.6 (seq 2)',
    );
    expect(
      finding(audit([response('200 OK', [`Contact: <sip:a@${OURS}:5062>`, 'Record-Route: <sip:proxy.example.com;lr>'])]), 'topology-leak'),
    ).toBeUndefined();
  });

  it('different statuses tell users apart for sure; a time difference alone only hints', () => {
    const byStatus = audit(
      [],
      [
        { status: 401, rttMs: 5 },
        { variant: 'random', status: 404, rttMs: 5 },
      ],
    );
    expect(finding(byStatus, 'user-enumeration')).toMatchObject({ confidence: 'high', severity: 'warning' });
    const byTime = audit(
      [],
      [
        { status: 401, rttMs: 450 },
        { variant: 'random', status: 401, rttMs: 20 },
      ],
    );
    expect(finding(byTime, 'user-enumeration')).toMatchObject({ confidence: 'low', title: 'Existing users may be told apart by answer time' });
    const alike = audit(
      [],
      [
        { status: 401, rttMs: 30 },
        { variant: 'random', status: 401, rttMs: 12 },
      ],
    );
    expect(finding(alike, 'user-enumeration')).toBeUndefined();
    expect(finding(alike, 'user-enumeration-none')).toBeDefined();
  });

  it('a call that rang is an open relay; 100 Trying then another refusal is a warning; a challenge is fine', () => {
    const external = (x: Partial<AuditExchange>) => audit([], [{ test: 'unauthenticated', variant: 'external', method: 'INVITE', ...x }]);
    expect(finding(external({ provisional: [100, 183], status: 487, cancelled: true }), 'open-relay')?.severity).toBe('error');
    expect(finding(external({ provisional: [100], status: 503 }), 'invite-processed-without-credentials')?.confidence).toBe('medium');
    expect(finding(external({ provisional: [100], status: 407 }), 'invite-challenged')?.severity).toBe('info');
  });
});

describe('audit options', () => {
  it("refuse without the operator's confirmation, whatever else is right", () => {
    const v = validateAuditOptions({ server: 'sip.example.com' });
    expect(v.ok).toBe(false);
    expect(!v.ok && v.errors.join()).toMatch(/server you operate/);
    expect(validateAuditOptions({ server: 'sip.example.com', confirmedOperator: 'yes' }).ok).toBe(false);
    expect(validateAuditOptions({ server: 'sip.example.com', confirmedOperator: true }).ok).toBe(true);
  });

  it('a password only with its user, and a CA in PEM with its line breaks', () => {
    expect(validateAuditOptions({ server: 'h.example', confirmedOperator: true, password: 'x' }).ok).toBe(false);
    expect(
      validateAuditOptions({
        server: 'h.example',
        confirmedOperator: true,
        user: 'alice',
        password: 'x',
        caPem: '-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n',
      }).ok,
    ).toBe(true);
  });
});
