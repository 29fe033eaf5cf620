import { describe, expect, it } from 'vitest';
import { parseUri } from '../../shared/sip/uri.js';

describe('parseUri (RFC 3261 §19.1)', () => {
  it('parses user, host, port, parameters and headers, unescaping both', () => {
    const r = parseUri('sips:al%20ice@Example.COM:5061;transport=TLS;lr;Method=REGISTER?subject=hi%20there&priority=urgent');
    expect(r).toMatchObject({
      ok: true,
      uri: {
        scheme: 'sips',
        user: 'al ice',
        host: 'example.com',
        port: 5061,
        params: { transport: 'TLS', lr: null, method: 'REGISTER' },
        headers: { subject: 'hi there', priority: 'urgent' },
      },
    });
  });

  it('keeps IPv6 references and drops a password in the userinfo', () => {
    const r = parseUri('sip:bob:hunter2@[2001:db8::5]:5070');
    expect(r).toMatchObject({ ok: true, uri: { user: 'bob', host: '[2001:db8::5]', port: 5070 } });
    expect(JSON.stringify(r)).not.toContain('"user":"bob:hunter2"');
  });

  it('accepts other schemes without interpreting them', () => {
    expect(parseUri('tel:+1-201-555-0123')).toMatchObject({ ok: true, uri: { scheme: 'tel', raw: 'tel:+1-201-555-0123' } });
  });

  it.each([
    ['example.com', 'no scheme'],
    ['sip:', 'invalid host'],
    ['sip:a@-bad-.example', 'invalid host'],
    ['sip:a@[2001:db8::1', 'unterminated IPv6'],
    ['sip:a@host:99999', 'invalid port'],
    ['sip:a@host:', 'invalid port'],
    ['sip:a@host#frag', 'invalid host'],
  ])('rejects %s', (text, reason) => {
    const r = parseUri(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(reason);
  });
});
