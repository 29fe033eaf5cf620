// Strictness of the parser and the stream framer (RFC 3261 §7.3, §8.1.1, §20), with torture
// messages of RFC 4475 §3.1.2 and §3.3 as vectors (their content, lines joined with CRLF).
import { describe, expect, it } from 'vitest';
import { StreamFramer } from '../../shared/sip/framer.js';
import { parseMessage } from '../../shared/sip/parse.js';

const crlf = (lines: string[]): string => lines.join('\r\n');
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

const SDP_5 = [
  'v=0',
  'o=mhandley 29739 7272939 IN IP4 192.0.2.5',
  's=-',
  'c=IN IP4 192.0.2.5',
  't=3149328700 0',
  'm=audio 49217 RTP/AVP 0 12',
  'm=video 3227 RTP/AVP 31',
  'a=rtpmap:31 LPC',
  '',
];

/** RFC 4475 §3.1.2.7 (ltgtruri): the Request-URI is enclosed in <>. */
const LTGTRURI = crlf([
  'INVITE <sip:user@example.com> SIP/2.0',
  'To: sip:user@example.com',
  'From: sip:caller@example.net;tag=39291',
  'Max-Forwards: 23',
  'Call-ID: ltgtruri.1@192.0.2.5',
  'CSeq: 1 INVITE',
  'Via: SIP/2.0/UDP 192.0.2.5',
  'Contact: <sip:caller@host5.example.net>',
  'Content-Type: application/sdp',
  'Content-Length: 159',
  '',
  ...SDP_5,
]);

/** RFC 4475 §3.1.2.17 (mismatch01): OPTIONS with a CSeq method of INVITE. */
const MISMATCH01 = crlf([
  'OPTIONS sip:user@example.com SIP/2.0',
  'To: sip:j.user@example.com',
  'From: sip:caller@example.net;tag=34525',
  'Max-Forwards: 6',
  'Call-ID: mismatch01.dj0234sxdfl3',
  'CSeq: 8 INVITE',
  'Via: SIP/2.0/UDP host.example.com;branch=z9hG4bKkdjuw',
  'l: 0',
  '',
  '',
]);

/** RFC 4475 §3.1.2.18 (mismatch02): an unknown method with a CSeq method of INVITE. */
const MISMATCH02 = crlf([
  'NEWMETHOD sip:user@example.com SIP/2.0',
  'To: sip:j.user@example.com',
  'From: sip:caller@example.net;tag=34525',
  'Max-Forwards: 6',
  'Call-ID: mismatch02.dj0234sxdfl3',
  'CSeq: 8 INVITE',
  'Contact: <sip:caller@host.example.net>',
  'Via: SIP/2.0/UDP host.example.net;branch=z9hG4bKkdjuw',
  'Content-Type: application/sdp',
  'l: 138',
  '',
  'v=0',
  'o=mhandley 29739 7272939 IN IP4 192.0.2.1',
  'c=IN IP4 192.0.2.1',
  'm=audio 49217 RTP/AVP 0 12',
  'm=video 3227 RTP/AVP 31',
  'a=rtpmap:31 LPC',
  '',
]);

/** RFC 4475 §3.3.8 (multi01): CSeq, Call-ID, To, From and Max-Forwards each appear twice. */
const MULTI01 = crlf([
  'INVITE sip:user@company.com SIP/2.0',
  'Contact: <sip:caller@host25.example.net>',
  'Via: SIP/2.0/UDP 192.0.2.25;branch=z9hG4bKkdjuw',
  'Max-Forwards: 70',
  'CSeq: 5 INVITE',
  'Call-ID: multi01.98asdh@192.0.2.1',
  'CSeq: 59 INVITE',
  'Call-ID: multi01.98asdh@192.0.2.2',
  'From: sip:caller@example.com;tag=3413415',
  'To: sip:user@example.com',
  'To: sip:other@example.net',
  'From: sip:caller@example.net;tag=2923420123',
  'Content-Type: application/sdp',
  'l: 154',
  'Contact: <sip:caller@host36.example.net>',
  'Max-Forwards: 5',
  '',
  'v=0',
  'o=mhandley 29739 7272939 IN IP4 192.0.2.25',
  's=-',
  'c=IN IP4 192.0.2.25',
  't=0 0',
  'm=audio 49217 RTP/AVP 0 12',
  'm=video 3227 RTP/AVP 31',
  'a=rtpmap:31 LPC',
  '',
  '',
]);

/** RFC 4475 §3.3.9 (mcl01): two different Content-Length values. */
const MCL01 = crlf([
  'OPTIONS sip:user@example.com SIP/2.0',
  'Via: SIP/2.0/UDP host5.example.net;branch=z9hG4bK293423',
  'To: sip:user@example.com',
  'From: sip:other@example.net;tag=3923942',
  'Call-ID: mcl01.fhn2323orihawfdoa3o4r52o3irsdf',
  'CSeq: 15932 OPTIONS',
  'Content-Length: 13',
  'Max-Forwards: 60',
  'Content-Length: 5',
  'Content-Type: text/plain',
  '',
  "There's no way to know how many octets are supposed to be here.",
  '',
]);

/** RFC 4475 §3.1.2.9 (lwsstart): several SP between the parts of the request line. */
const LWSSTART = crlf([
  'INVITE  sip:user@example.com  SIP/2.0',
  'Max-Forwards: 8',
  'To: sip:user@example.com',
  'From: sip:caller@example.net;tag=8814',
  'Call-ID: lwsstart.dfknq234oi243099adsdfnawe3@example.com',
  'CSeq: 1893884 INVITE',
  'Via: SIP/2.0/UDP host1.example.com;branch=z9hG4bKkdjuw3923',
  'Contact: <sip:caller@host1.example.net>',
  'Content-Type: application/sdp',
  'Content-Length: 150',
  '',
  'v=0',
  'o=mhandley 29739 7272939 IN IP4 192.0.2.1',
  's=-',
  'c=IN IP4 192.0.2.1',
  't=0 0',
  'm=audio 49217 RTP/AVP 0 12',
  'm=video 3227 RTP/AVP 31',
  'a=rtpmap:31 LPC',
  '',
]);

/** RFC 4475 §3.1.2.16 (badvers): SIP/7.0. */
const BADVERS = crlf([
  'OPTIONS sip:t.watson@example.org SIP/7.0',
  'Via:     SIP/7.0/UDP c.example.com;branch=z9hG4bKkdjuw',
  'Max-Forwards:     70',
  'From:    A. Bell <sip:a.g.bell@example.com>;tag=qweoiqpe',
  'To:      T. Watson <sip:t.watson@example.org>',
  'Call-ID: badvers.31417@c.example.com',
  'CSeq:    1 OPTIONS',
  'l: 0',
  '',
  '',
]);

const at = (text: string, needle: string): number => enc(text.slice(0, text.indexOf(needle))).length;

function failure(text: string | Uint8Array) {
  const r = parseMessage(text);
  if (r.ok) throw new Error('expected a parse error');
  return r;
}

describe('parseMessage strictness (RFC 4475 §3.1.2, §3.3)', () => {
  it('reports a Request-URI in angle brackets at its byte offset, and keeps the message for display (ltgtruri)', () => {
    const r = failure(LTGTRURI);
    expect(r.error).toEqual({ reason: expect.stringContaining('Request-URI is not a URI'), offset: 7 });
    expect(r.message).toMatchObject({ kind: 'request', method: 'INVITE', requestUri: '<sip:user@example.com>', callId: 'ltgtruri.1@192.0.2.5' });
  });

  it.each([
    ['mismatch01', MISMATCH01, 'OPTIONS'],
    ['mismatch02', MISMATCH02, 'NEWMETHOD'],
  ])('reports a CSeq method that is not the request method (%s)', (_, text, method) => {
    const r = failure(text);
    expect(r.error.reason).toBe(`CSeq method "INVITE" does not match the request method "${method}" (RFC 3261 §8.1.1.5)`);
    expect(r.error.offset).toBe(at(text, 'INVITE\r\n'));
    expect(r.message?.cseq).toEqual({ seq: 8, method: 'INVITE' });
  });

  it('reports the first repeated single-value header (multi01) and two Content-Lengths (mcl01)', () => {
    const multi = failure(MULTI01);
    expect(multi.error).toEqual({ reason: expect.stringContaining('second "CSeq" header field'), offset: at(MULTI01, 'CSeq: 59') });
    expect(multi.message?.kind).toBe('request');
    const mcl = failure(MCL01);
    expect(mcl.error).toEqual({ reason: expect.stringContaining('second "Content-Length"'), offset: at(MCL01, 'Content-Length: 5') });
  });

  it.each([
    ['To', 'To: <sip:a@b>', 't: <sip:c@d>'],
    ['From', 'f: <sip:a@b>;tag=1', 'From: <sip:a@b>;tag=2'],
    ['Call-ID', 'Call-ID: x', 'i: y'],
    ['Max-Forwards', 'Max-Forwards: 70', 'Max-Forwards: 70'],
    ['Content-Length', 'Content-Length: 0', 'l: 0'],
  ])('counts compact and long forms of %s as the same header, in responses too', (_, first, second) => {
    const text = crlf(['SIP/2.0 200 OK', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1', first, 'CSeq: 1 REGISTER', second, '', '']);
    const r = failure(text);
    expect(r.error.offset).toBe(text.lastIndexOf(second));
    expect(r.message?.kind).toBe('response');
  });

  it('accepts repeated list headers and one of each single-value header', () => {
    const r = parseMessage(
      crlf([
        'REGISTER sip:example.com SIP/2.0',
        'Via: SIP/2.0/UDP a;branch=z9hG4bK1',
        'v: SIP/2.0/UDP b;branch=z9hG4bK2',
        'Max-Forwards: 70',
        'From: <sip:a@example.com>;tag=1',
        'To: <sip:a@example.com>',
        'Call-ID: c',
        'CSeq: 2 REGISTER',
        'Contact: <sip:a@192.0.2.1>',
        'm: <sip:a@192.0.2.2>',
        'Content-Length: 0',
        '',
        '',
      ]),
    );
    expect(r.ok).toBe(true);
  });

  it('reports structural errors without a message (lwsstart, badvers)', () => {
    for (const text of [LWSSTART, BADVERS]) {
      const r = failure(text);
      expect(r.message).toBeUndefined();
      expect(r.error.offset).toBeLessThan(text.indexOf('\r\n'));
    }
  });

  it('reports folded values at the byte offset of the continuation line', () => {
    const text = 'SIP/2.0 200 OK\r\nVia: SIP/2.0\r\n  \r\n UDP h\r\n\r\n';
    expect(failure(text).error).toEqual({ reason: expect.stringContaining('Via'), offset: at(text, 'UDP h') });
  });
});

describe('StreamFramer strictness', () => {
  it('refuses two different Content-Length values (mcl01): they never frame a stream', () => {
    const events = new StreamFramer().push(enc(MCL01));
    expect(events).toEqual([{ type: 'error', reason: expect.stringContaining('two different Content-Length values') }]);
  });

  it('frames a message with the same Content-Length twice, which the parser then reports', () => {
    const text = crlf(['SIP/2.0 200 OK', 'Content-Length: 2', 'l: 2', '', 'ok']);
    const events = new StreamFramer().push(enc(text + text));
    expect(events.map((e) => e.type)).toEqual(['message', 'message']);
    expect(failure((events[0] as { bytes: Uint8Array }).bytes).error.reason).toContain('second "l" header field');
  });
});
