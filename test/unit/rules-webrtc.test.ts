// The browser's sip.js attempt next to the engine's WebSocket attempts: each difference the issue
// names becomes its finding, and a healthy pair none.
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../shared/diagnosis/diagnose.js';
import { fromBase64, fromUtf8 } from '../../shared/hash/utf8.js';
import type { AttemptResult, CheckResult } from '../../shared/model/results.js';
import { browserAttempt, webSocketTarget, type BrowserRegistration } from '../../shared/webrtc/browser-attempt.js';
import { checkResult } from '../builders.js';

const CONTACT = '<sip:k2j4@df7jal23ls0d.invalid;transport=ws>;expires=60';
const register = (cseq: number, auth = ''): string =>
  `REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bK${cseq}\r\nMax-Forwards: 70\r\nTo: <sip:alice@example.com>\r\nFrom: <sip:alice@example.com>;tag=abc\r\nCall-ID: webrtc-1\r\nCSeq: ${cseq} REGISTER\r\nContact: ${CONTACT}\r\n${auth}Content-Length: 0\r\n\r\n`;
const answer = (cseq: number, status: string, contact = CONTACT, via = 'WSS'): string =>
  `SIP/2.0 ${status}\r\nVia: SIP/2.0/${via} df7jal23ls0d.invalid;branch=z9hG4bK${cseq}\r\nTo: <sip:alice@example.com>;tag=srv\r\nFrom: <sip:alice@example.com>;tag=abc\r\nCall-ID: webrtc-1\r\nCSeq: ${cseq} REGISTER\r\nContact: ${contact}\r\nContent-Length: 0\r\n\r\n`;
const AUTH = 'Authorization: Digest username="alice", realm="example.com", nonce="n", uri="sip:example.com", response="0123456789abcdef0123456789abcdef"\r\n';

function browserRun(
  over: Partial<BrowserRegistration>,
  messages = [register(1), answer(1, '401 Unauthorized'), register(2, AUTH), answer(2, '200 OK')],
): BrowserRegistration {
  return {
    outcome: 'registered',
    status: 200,
    reason: 'OK',
    detail: '200 OK',
    connected: true,
    unregistered: true,
    durationMs: 80,
    messages: messages.map((text, i) => ({ t: i * 10, direction: text.startsWith('SIP/2.0') ? 'received' : 'sent', text })),
    ...over,
  };
}

const engineWss = (over: Partial<AttemptResult> = {}): AttemptResult => ({
  id: 1,
  label: 'WSS',
  transport: 'wss',
  target: { host: 'sip.example.com', address: '192.0.2.10', port: 4443 },
  sourcePortMode: 'ephemeral',
  rport: true,
  outcome: 'registered',
  status: 200,
  detail: '200 OK',
  durationMs: 50,
  startedAt: 0,
  requestsSent: 3,
  retransmissions: 0,
  responsesFromElsewhere: [],
  traceSeqs: [1],
  tls: {
    verified: true,
    servername: 'sip.example.com',
    certificate: { subject: 'CN=sip.example.com', issuer: 'CN=Lab private CA', validFrom: '', validTo: '', subjectAltNames: [], fingerprint256: '' },
  },
  ...over,
});

function resultWith(reg: BrowserRegistration, engine: AttemptResult[], originHandshakeStatus?: number): CheckResult {
  const { attempt, trace } = browserAttempt(reg, {
    id: 9,
    firstSeq: 2,
    startT: 100,
    url: 'wss://sip.example.com:4443/ws',
    origin: 'https://phone.example.org',
    ...(originHandshakeStatus !== undefined ? { originHandshakeStatus } : {}),
  });
  return checkResult({
    startedAt: '2026-01-01T00:00:00Z',
    durationMs: 500,
    account: { server: 'sip.example.com', domain: 'example.com', user: 'alice', authUser: 'alice', transports: ['wss'], passwordGiven: true },
    attempts: [...engine, attempt],
    trace: [{ seq: 1, t: 0, attempt: 1, kind: 'socket', transport: 'wss', note: 'connected' }, ...trace],
  });
}

const ids = (r: CheckResult): string[] =>
  diagnose(r)
    .findings.map((f) => f.id)
    .filter((id) => id.startsWith('webrtc-'));

describe('the browser attempt', () => {
  it('is an attempt like the others: its messages in the trace with the digest response masked, a socket note first', () => {
    const r = resultWith(browserRun({}), [engineWss()]);
    const b = r.attempts[1]!;
    expect(b).toMatchObject({
      id: 9,
      transport: 'wss',
      target: { host: 'sip.example.com', port: 4443 },
      outcome: 'registered',
      requestsSent: 2,
      browser: { connected: true, origin: 'https://phone.example.org' },
    });
    const events = r.trace.filter((e) => e.attempt === 9);
    expect(events.map((e) => e.kind)).toEqual(['socket', 'sent', 'received', 'sent', 'received']);
    expect(b.traceSeqs).toEqual(events.map((e) => e.seq));
    const sentWithAuth = fromUtf8(fromBase64(events[3]!.bytes!));
    expect(sentWithAuth).toContain('response="********************************"');
    expect(sentWithAuth).not.toContain('0123456789abcdef');
    expect(webSocketTarget('ws://[::1]/x')).toEqual({ transport: 'ws', host: '::1', port: 80 });
  });

  it('healthy: both register, no WebRTC finding', () => {
    expect(ids(resultWith(browserRun({}), [engineWss()], 101))).toEqual([]);
  });

  it('Origin refused: the handshake with the page origin gets 403 while the engine registers', () => {
    // The page's own detail names the possible causes; only the engine's view can say the subprotocol is missing.
    const detail = 'the browser could not open the WebSocket (it gives a page no reason: certificate, Origin, subprotocol or network)';
    const r = resultWith(browserRun({ outcome: 'reset', connected: false, status: undefined, detail, messages: [] }, []), [engineWss()], 403);
    expect(ids(r)).toEqual(['webrtc-origin-rejected']);
    const f = diagnose(r).findings.find((x) => x.id === 'webrtc-origin-rejected')!;
    expect(f.technical).toContain('HTTP 403');
    expect(f.attempts).toEqual([9, 1]);
    expect(f.evidence.length).toBeGreaterThan(0);
  });

  it('certificate: the engine verified it, the browser would not connect although the Origin is accepted', () => {
    const r = resultWith(browserRun({ outcome: 'reset', connected: false, status: undefined, messages: [] }, []), [engineWss()], 101);
    expect(ids(r)).toEqual(['webrtc-certificate-untrusted-by-browser']);
    // … and the reverse: the browser connected, the engine could not verify.
    const reverse = resultWith(browserRun({}), [
      engineWss({ outcome: 'tls-failure', status: undefined, tls: { verified: false, verifyError: 'UNABLE_TO_GET_ISSUER_CERT', servername: 's' } }),
    ]);
    expect(ids(reverse)).toContain('webrtc-certificate-untrusted-by-check');
  });

  it('an unexplained browser-only failure is said as such (a proxy or filter), not as a certificate problem', () => {
    const r = resultWith(browserRun({ outcome: 'reset', connected: false, status: undefined, messages: [] }, []), [
      engineWss({ transport: 'wss', tls: undefined }),
    ]);
    expect(ids(r)).toEqual(['webrtc-browser-cannot-connect']);
  });

  it('subprotocol "sip" missing (RFC 7118 §4) and answers naming another transport (§5)', () => {
    const noSip = resultWith(
      browserRun({ outcome: 'reset', connected: false, status: undefined, messages: [] }, []),
      [engineWss({ outcome: 'reset', status: undefined, detail: 'WebSocket handshake failed: Server sent no subprotocol' })],
      101,
    );
    expect(ids(noSip)).toEqual(['webrtc-subprotocol-missing']);
    const rewritten = resultWith(
      browserRun({}, [register(1), answer(1, '200 OK', '<sip:k2j4@df7jal23ls0d.invalid;transport=udp>;expires=60', 'UDP')]),
      [engineWss()],
      101,
    );
    const f = diagnose(rewritten).findings.find((x) => x.id === 'webrtc-wrong-transport')!;
    expect(f.technical).toContain('Via SIP/2.0/UDP in 200');
    expect(f.technical).toContain('Contact ;transport=udp in 200');
  });
});
