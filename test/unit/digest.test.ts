import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fromBase64, toBase64 } from '../../shared/hash/utf8.js';
import { answerChallenge, pickChallenge, readChallenge, redactDigestResponse } from '../../shared/sip/digest.js';
import type { AuthChallenge } from '../../shared/sip/message.js';

const ch = (params: Record<string, string>, header: AuthChallenge['header'] = 'www-authenticate'): AuthChallenge => ({ header, scheme: 'Digest', params });
const read = (params: Record<string, string>) => {
  const r = readChallenge(ch(params));
  if (!r.ok) throw new Error(r.reason);
  return r.challenge;
};

describe('base64', () => {
  it('matches Buffer on every padding boundary', () => {
    for (const n of [0, 1, 55, 56, 63, 64, 111, 112, 119, 120, 127, 128, 129, 1000]) {
      const b = randomBytes(n);
      expect(toBase64(b)).toBe(b.toString('base64'));
      expect(Buffer.from(fromBase64(b.toString('base64')))).toEqual(b);
    }
  });
});

describe('digest (published test vectors)', () => {
  it('RFC 2617 §3.5 (MD5, qop=auth)', () => {
    const challenge = read({
      realm: 'testrealm@host.com',
      qop: 'auth,auth-int',
      nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
      opaque: '5ccc069c403ebaf9f0171e9517f40e41',
    });
    const a = answerChallenge({ challenge, username: 'Mufasa', password: 'Circle Of Life', method: 'GET', uri: '/dir/index.html', cnonce: '0a4f113b', nc: 1 });
    expect(a.response).toBe('6629fae49393a05397450978507c4ef1');
    expect(a.headerValue).toContain('nc=00000001');
    expect(a.headerValue).toContain('opaque="5ccc069c403ebaf9f0171e9517f40e41"');
    expect(a.headerName).toBe('Authorization');
  });

  const rfc7616 = {
    realm: 'http-auth@example.org',
    qop: 'auth, auth-int',
    nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
    opaque: 'FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS',
  };
  it.each([
    ['MD5', '8ca523f5e9506fed4657c9700eebdbec'],
    ['SHA-256', '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1'],
  ])('RFC 7616 §3.9.1 (%s)', (algorithm, expected) => {
    const a = answerChallenge({
      challenge: read({ ...rfc7616, algorithm }),
      username: 'Mufasa',
      password: 'Circle of Life',
      method: 'GET',
      uri: '/dir/index.html',
      cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
      nc: 1,
    });
    expect(a.response).toBe(expected);
  });

  it('RFC 7616 §3.9.2 (SHA-512-256 with userhash)', () => {
    const challenge = read({
      realm: 'api@example.org',
      qop: 'auth',
      algorithm: 'SHA-512-256',
      nonce: '5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK',
      opaque: 'HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS',
      userhash: 'true',
    });
    const a = answerChallenge({
      challenge,
      username: 'J\u00e4s\u00f8n Doe',
      password: 'Secret, or not?',
      method: 'GET',
      uri: '/doc/index.html',
      cnonce: 'NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v',
      nc: 1,
    });
    expect(a.headerValue).toContain('username="793263caabb707a56211940d90411ea4a575adeccb7e360aeb624ed06ece9b0b"');
    // The RFC's printed response value is disputed in its errata; check it against node:crypto instead.
    const H = (x: string) => createHash('sha512-256').update(x).digest('hex');
    const ha1 = H('J\u00e4s\u00f8n Doe:api@example.org:Secret, or not?');
    expect(a.response).toBe(
      H(`${ha1}:5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK:00000001:NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v:auth:${H('GET:/doc/index.html')}`),
    );
  });

  it('computes MD5-sess, auth-int and no-qop responses like an independent implementation', () => {
    const H = (s: string | Buffer) => createHash('md5').update(s).digest('hex');
    const body = new TextEncoder().encode('v=0\r\n');
    const sess = answerChallenge({
      challenge: read({ realm: 'r', nonce: 'n', qop: 'auth-int', algorithm: 'MD5-sess' }),
      username: 'u',
      password: 'p',
      method: 'REGISTER',
      uri: 'sip:r',
      body,
      cnonce: 'c',
      nc: 2,
    });
    const ha1 = H(`${H('u:r:p')}:n:c`);
    expect(sess.response).toBe(H(`${ha1}:n:00000002:c:auth-int:${H(`REGISTER:sip:r:${H(Buffer.from(body))}`)}`));
    expect(sess.headerValue).toContain('algorithm=MD5-sess');
    const plain = answerChallenge({
      challenge: read({ realm: 'r', nonce: 'n' }),
      username: 'u',
      password: 'p',
      method: 'REGISTER',
      uri: 'sip:r',
      cnonce: 'c',
      nc: 1,
    });
    expect(plain.response).toBe(H(`${H('u:r:p')}:n:${H('REGISTER:sip:r')}`));
    expect(plain.headerValue).not.toContain('qop=');
  });

  it('answers 407 with Proxy-Authorization and notices stale=true', () => {
    const r = readChallenge(ch({ realm: 'r', nonce: 'n', stale: 'TRUE' }, 'proxy-authenticate'));
    expect(r.ok && r.challenge.stale).toBe(true);
    if (r.ok)
      expect(answerChallenge({ challenge: r.challenge, username: 'u', password: 'p', method: 'REGISTER', uri: 'sip:r', cnonce: 'c', nc: 1 }).headerName).toBe(
        'Proxy-Authorization',
      );
  });

  it('prefers the strongest offered algorithm and reports unsupported ones', () => {
    const p = pickChallenge([ch({ realm: 'r', nonce: '1', algorithm: 'MD5' }), ch({ realm: 'r', nonce: '2', algorithm: 'SHA-256' })]);
    expect(p.ok && p.challenge.algorithm).toBe('SHA-256');
    expect(readChallenge(ch({ realm: 'r', nonce: '1', algorithm: 'AKAv1-MD5' }))).toMatchObject({ ok: false, reason: expect.stringContaining('AKAv1-MD5') });
    expect(readChallenge({ header: 'www-authenticate', scheme: 'Basic', params: { realm: 'r' } })).toMatchObject({ ok: false });
    expect(readChallenge(ch({ realm: 'r' }))).toMatchObject({ ok: false, reason: 'challenge has no nonce' });
  });

  it('masks response values with the same length', () => {
    const text =
      'REGISTER sip:a SIP/2.0\r\nAuthorization: Digest username="u", response="0123abcd", nonce="n"\r\nProxy-Authorization: Digest response=ffff\r\n';
    const masked = redactDigestResponse(text);
    expect(masked).toContain('response="********"');
    expect(masked).toContain('response=****');
    expect(masked.length).toBe(text.length);
  });
});
