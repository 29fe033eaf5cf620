import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { headerValue, type SipRequest, type SipResponse } from '../../shared/sip/message.js';
import { parseMessage } from '../../shared/sip/parse.js';
import { serializeMessage } from '../../shared/sip/serialize.js';

const crlf = (lines: string[]): string => lines.join('\r\n');

const REGISTER = crlf([
  'REGISTER sip:ostel.co SIP/2.0',
  'v: SIP/2.0/UDP 192.0.2.4:49152;branch=z9hG4bK-1;rport, SIP/2.0/TCP [2001:db8::1]:5060;branch=z9hG4bK-2',
  'Via: SIP/2.0 / TLS host.example ;branch=z9hG4bK-3',
  'f: "foo \\"bar\\"" <sip:foo@ostel.co>;tag=1eb3467e',
  't: <sip:foo@ostel.co>',
  'i: abc@host',
  'CSeq: 1 REGISTER',
  'm: "foo" <sip:foo@192.0.2.4:49152;transport=udp;registering_acc=ostel_co>;expires=600, sip:bar@192.0.2.5;q=0.5',
  'Authorization: Digest username="foo", realm="ostel.co",',
  '  nonce="abc", uri="sip:ostel.co", response="0123"',
  'X-Custom: one',
  'X-Custom: two',
  'l: 5',
  '',
  'hello',
]);

describe('parseMessage', () => {
  it('parses a request with compact forms, folding, multiple Vias, quoted display names and IPv6', () => {
    const r = parseMessage(REGISTER);
    expect(r.ok).toBe(true);
    const m = (r as { message: SipRequest }).message;
    expect(m).toMatchObject({ kind: 'request', method: 'REGISTER', requestUri: 'sip:ostel.co', callId: 'abc@host', cseq: { seq: 1, method: 'REGISTER' } });
    expect(m.via.map((v) => [v.transport, v.host, v.port, v.params.branch])).toEqual([
      ['UDP', '192.0.2.4', 49152, 'z9hG4bK-1'],
      ['TCP', '[2001:db8::1]', 5060, 'z9hG4bK-2'],
      ['TLS', 'host.example', undefined, 'z9hG4bK-3'],
    ]);
    expect(m.via[0]!.params).toHaveProperty('rport', null);
    expect(m.from).toMatchObject({ displayName: 'foo "bar"', params: { tag: '1eb3467e' }, uri: { user: 'foo', host: 'ostel.co' } });
    const contacts = m.contact as Exclude<typeof m.contact, '*'>;
    expect(contacts).toHaveLength(2);
    expect(contacts[0]).toMatchObject({ params: { expires: '600' }, uri: { port: 49152, params: { transport: 'udp', registering_acc: 'ostel_co' } } });
    // addr-spec: ;q belongs to the header, not the URI (RFC 3261 §20.10).
    expect(contacts[1]).toMatchObject({ params: { q: '0.5' }, uri: { user: 'bar', params: {} } });
    expect(m.credentials[0]!.params).toMatchObject({ username: 'foo', nonce: 'abc', response: '0123' });
    expect(m.headers.filter((h) => h.key === 'x-custom').map((h) => h.value)).toEqual(['one', 'two']);
    expect(new TextDecoder().decode(m.body)).toBe('hello');
    expect(headerValue(m, 'Call-ID')).toBe('abc@host');
  });

  it('parses a response with challenges', () => {
    const r = parseMessage(
      crlf([
        'SIP/2.0 401 Unauthorized',
        'Via: SIP/2.0/UDP h;branch=z9hG4bKx;rport=5060;received=192.0.2.9',
        'WWW-Authenticate: Digest realm="ostel.co", nonce="Uen0", qop="auth", algorithm=MD5',
        'WWW-Authenticate: Digest realm="ostel.co", nonce="n2", algorithm=SHA-256',
        'CSeq: 1 REGISTER',
        'Content-Length: 0',
        '',
        '',
      ]),
    );
    const m = (r as { message: SipResponse }).message;
    expect(m).toMatchObject({ kind: 'response', status: 401, reason: 'Unauthorized' });
    expect(m.via[0]!.params).toMatchObject({ rport: '5060', received: '192.0.2.9' });
    expect(m.challenges.map((c) => c.params.algorithm)).toEqual(['MD5', 'SHA-256']);
  });

  it('keeps the raw bytes and handles UTF-8 display names', () => {
    const text = crlf(['SIP/2.0 200 OK', 'From: "Jürgen" <sip:j@example.org>;tag=1', 'Content-Length: 0', '', '']);
    const r = parseMessage(text);
    expect(r.ok && r.message.from?.displayName).toBe('Jürgen');
    expect(r.ok && new TextDecoder().decode(r.message.raw)).toBe(text);
  });

  it('ignores leading CRLFs and extra bytes beyond Content-Length (RFC 3261 §7.5, §18.3)', () => {
    const r = parseMessage('\r\n\r\nSIP/2.0 200 OK\r\nContent-Length: 2\r\n\r\nabcdef');
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(new TextDecoder().decode(r.message.body)).toBe('ab');
      expect(r.warnings[0]).toMatch(/4 bytes/);
    }
  });

  it.each([
    ['', 'empty message', 0],
    ['SIP/2.0 200 OK\r\nVia: x\r\n', 'not terminated', 24], // end of input
    ['SIP/3.0 200 OK\r\n\r\n', 'unsupported SIP version', 0],
    ['SIP/2.0 20 OK\r\n\r\n', 'invalid status code', 8],
    ['REGISTER sip:a SIP/2.0\r\nCSeq: one REGISTER\r\n\r\n', 'CSeq', 30],
    ['REGISTER sip:a SIP/2.0\r\nNo colon here\r\n\r\n', 'without ":"', 24],
    ['REGISTER sip:a SIP/2.0\r\nContent-Length: 10\r\n\r\nabc', 'truncated', 49],
    ['REGISTER sip:a SIP/2.0\r\nVia: SIP/2.0 UDP host\r\n\r\n', 'Via', 37], // at "UDP", where "/" was expected
    ['REGISTER sip:a SIP/2.0\r\nFrom: "unterminated <sip:a@b>\r\n\r\n', 'unterminated quoted display name', 30],
    ['REGISTER sip:a SIP/2.0\r\nContent-Length: -1\r\n\r\n', 'Content-Length', 40], // at the value
    ['REGISTER sip:a SIP/2.0\r\nTo: <sip:[2001:db8::1>\r\n\r\n', 'IPv6', 33], // at "["
  ])('rejects %j with a precise error', (input, reason, offset) => {
    const r = parseMessage(input);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.reason).toContain(reason);
      expect(r.error.offset).toBe(offset);
    }
  });

  it('reports the byte offset of invalid UTF-8 and of errors after multi-byte characters', () => {
    const bytes = new Uint8Array([...new TextEncoder().encode('SIP/2.0 200 OK\r\nX: a'), 0xc3, 0x28, ...new TextEncoder().encode('\r\n\r\n')]);
    const r = parseMessage(bytes);
    expect(!r.ok && r.error).toEqual({ reason: 'header section is not valid UTF-8', offset: 20 });
    const r2 = parseMessage('SIP/2.0 200 OK\r\nX: ü\r\nCSeq: x\r\n\r\n');
    expect(!r2.ok && r2.error.offset).toBe(29); // the CSeq value; "ü" counts two bytes
  });

  it('refuses messages with an absurd number of header fields', () => {
    const r = parseMessage('SIP/2.0 200 OK\r\n' + 'X: y\r\n'.repeat(300) + '\r\n');
    expect(!r.ok && r.error.reason).toMatch(/more than 256 header fields/);
  });

  it('round-trips through the serializer', () => {
    const first = parseMessage(REGISTER);
    if (!first.ok) throw new Error(first.error.reason);
    const again = parseMessage(serializeMessage(first.message));
    if (!again.ok) throw new Error(again.error.reason);
    const strip = (m: typeof first.message) => ({ ...m, raw: undefined, headers: m.headers.filter((h) => h.key !== 'content-length') });
    expect(strip(again.message)).toEqual(strip(first.message));
  });

  it('never throws on arbitrary bytes or mutated messages (fuzz)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (b) => {
        const r = parseMessage(b);
        expect(typeof r.ok).toBe('boolean');
        if (!r.ok) expect(r.error.offset).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 2000 },
    );
    const base = new TextEncoder().encode(REGISTER);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.nat(base.length), (edits, cut) => {
        const b = base.slice(0, cut);
        for (const [i, v] of edits) if (i < b.length) b[i] = v;
        const r = parseMessage(b);
        if (!r.ok) expect(r.error.offset).toBeLessThanOrEqual(b.length);
      }),
      { numRuns: 3000 },
    );
  });
});
