// A SIP server on 127.0.0.1 for the audit tests, in two characters: 'open' leaks and accepts what it
// should not (version in Server, 404 for unknown users, REGISTER without credentials for unknown
// users, calls to outside numbers ringing, private addresses in its answers, MD5 without qop,
// replayed nonces, TLS 1.0), 'hardened' does none of that (scanners dropped, one challenge for all,
// SHA-256 and MD5 with qop, single-use nonces with stale=true, TLS 1.2+ with ECDHE-GCM, a per-source
// request limit). Digests are checked with node:crypto: it must not share code with what it tests.
import { createHash, randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';

export type AuditCharacter = 'open' | 'hardened';

export interface AuditFixture {
  udpPort: number;
  tlsPort: number;
  /** Every request as received, with performance.now() at arrival: what the audit sent, and how fast. */
  received: Array<{ text: string; at: number }>;
  /** Contacts currently registered for the existing user. */
  bindings: Set<string>;
  close(): Promise<void>;
}

export const FIXTURE_USER = 'alice';
export const FIXTURE_PASSWORD = 'fixture-secret';
const REALM = 'audit.test';
/** Hardened: requests per source and second beyond which it goes silent (a pike-like throttle). */
const HARDENED_LIMIT_PER_S = 6;
const SCANNERS = /friendly-scanner|sipcli|sipvicious|VaxSIPUserAgent/i;
const CERTS = new URL('../../electron/demo/certs/', import.meta.url);
/** An SDP of everything the open server could do: 48 payload types. */
const CAPABILITIES_SDP = [
  'v=0',
  'o=- 0 0 IN IP4 203.0.113.5',
  's=-',
  'c=IN IP4 203.0.113.5',
  't=0 0',
  `m=audio 0 RTP/AVP ${Array.from({ length: 48 }, (_, i) => 96 + i).join(' ')}`,
  ...Array.from({ length: 48 }, (_, i) => `a=rtpmap:${96 + i} codec${i}/8000`),
  '',
].join('\r\n');

const header = (text: string, name: string): string => new RegExp(`^${name}\\s*:\\s*(.*)$`, 'im').exec(text)?.[1]?.trim() ?? '';
const hash = (alg: string, s: string): string =>
  createHash(alg === 'SHA-256' ? 'sha256' : 'md5')
    .update(s)
    .digest('hex');
function authParams(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of value.replace(/^Digest\s+/i, '').matchAll(/([a-z-]+)\s*=\s*(?:"([^"]*)"|([^,\s]+))/gi)) out[m[1]!.toLowerCase()] = m[2] ?? m[3]!;
  return out;
}

export async function startAuditFixture(character: AuditCharacter): Promise<AuditFixture> {
  const open = character === 'open';
  const received: AuditFixture['received'] = [];
  const bindings = new Set<string>();
  const nonces = new Map<string, number>(); // nonce → uses
  const perSecond = new Map<string, number[]>();
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));

  const challenge = (status: '401 Unauthorized' | '407 Proxy Authentication Required', stale = false): string[] => {
    const name = status.startsWith('401') ? 'WWW-Authenticate' : 'Proxy-Authenticate';
    const nonce = randomBytes(12).toString('hex');
    nonces.set(nonce, 0);
    if (open) return [`${name}: Digest realm="${REALM}", nonce="${nonce}"`];
    return ['SHA-256', 'MD5'].map((alg) => `${name}: Digest realm="${REALM}", nonce="${nonce}", qop="auth", algorithm=${alg}${stale ? ', stale=true' : ''}`);
  };
  const checkCredentials = (text: string): 'ok' | 'bad' | 'stale' => {
    const p = authParams(header(text, 'Authorization'));
    if (p.username !== FIXTURE_USER || !nonces.has(p.nonce ?? '')) return 'bad';
    const alg = (p.algorithm ?? 'MD5').toUpperCase();
    const ha1 = hash(alg, `${p.username}:${REALM}:${FIXTURE_PASSWORD}`);
    const ha2 = hash(alg, `REGISTER:${p.uri}`);
    const expected = p.qop ? hash(alg, `${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`) : hash(alg, `${ha1}:${p.nonce}:${ha2}`);
    if (expected !== p.response) return 'bad';
    const uses = nonces.get(p.nonce!)! + 1;
    nonces.set(p.nonce!, uses);
    // Hardened servers take each nonce once (Kamailio nonce_count / one_time_nonce); open ones any number of times.
    return !open && uses > 1 ? 'stale' : 'ok';
  };

  const answer = (text: string, from: { address: string; port: number }): string[] | null => {
    const method = /^(\w+)/.exec(text)?.[1] ?? '';
    const ua = header(text, 'User-Agent');
    if (!open && SCANNERS.test(ua)) return null;
    const ruriUser = /^\w+ sip:([^@\s]+)@/.exec(text)?.[1];
    const toUser = /sip:([^@>]+)@/.exec(header(text, 'To'))?.[1] ?? '';
    const reply = (status: string, extra: string[] = [], body = ''): string =>
      [
        `SIP/2.0 ${status}`,
        ...text
          .split('\r\n')
          .filter((l) => /^Via:/i.test(l))
          .map((l, i) => (i === 0 ? `${l.replace(/;rport(?=;|$)/, `;rport=${from.port}`)};received=${from.address}` : l)),
        `From: ${header(text, 'From')}`,
        `To: ${header(text, 'To')}${/tag=/.test(header(text, 'To')) ? '' : ';tag=fx1'}`,
        `Call-ID: ${header(text, 'Call-ID')}`,
        `CSeq: ${header(text, 'CSeq')}`,
        ...(open ? ['Server: Asterisk PBX 18.9.0'] : []),
        ...extra,
        ...(body ? ['Content-Type: application/sdp'] : []),
        `Content-Length: ${Buffer.byteLength(body)}`,
        '',
        body,
      ].join('\r\n');
    if (method === 'ACK') return null;
    // Open: capabilities as SDP in the OPTIONS answer (RFC 3261 §11.2 allows it), which makes the answer several times the request.
    if (method === 'OPTIONS')
      return [
        open
          ? reply(
              '200 OK',
              ['Contact: <sip:pbx@10.20.30.40:5060>', 'Allow: INVITE, ACK, CANCEL, OPTIONS, BYE, REFER, SUBSCRIBE, NOTIFY, INFO, PUBLISH, MESSAGE'],
              CAPABILITIES_SDP,
            )
          : reply('200 OK'),
      ];
    if (method === 'CANCEL') return [reply('200 OK'), reply('487 Request Terminated').replace(/CSeq: (\d+) CANCEL/, 'CSeq: $1 INVITE')];
    if (method === 'REGISTER') {
      if (open && toUser !== FIXTURE_USER) return [reply('200 OK')];
      if (!header(text, 'Authorization')) return [reply('401 Unauthorized', challenge('401 Unauthorized'))];
      const verdict = checkCredentials(text);
      if (verdict !== 'ok') return [reply('401 Unauthorized', challenge('401 Unauthorized', verdict === 'stale'))];
      const contact = header(text, 'Contact');
      if (Number(header(text, 'Expires')) === 0) bindings.delete(contact);
      else bindings.add(contact);
      return [reply('200 OK', bindings.size ? [`Contact: ${contact};expires=${header(text, 'Expires')}`] : [])];
    }
    if (method === 'INVITE') {
      if (!open) return [reply('407 Proxy Authentication Required', challenge('407 Proxy Authentication Required'))];
      if (ruriUser?.startsWith('+'))
        return [
          reply('100 Trying'),
          reply(
            '183 Session Progress',
            ['Record-Route: <sip:10.20.30.1;lr>', 'Contact: <sip:gw@gw01.internal:5080>'],
            'v=0\r\no=- 1 1 IN IP4 192.168.50.7\r\ns=-\r\nc=IN IP4 192.168.50.7\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n',
          ),
        ];
      return [reply(ruriUser === FIXTURE_USER ? '180 Ringing' : '404 Not Found')];
    }
    return [reply('405 Method Not Allowed')];
  };

  const throttled = (address: string): boolean => {
    if (open) return false;
    const now = Date.now();
    const recent = (perSecond.get(address) ?? []).filter((t) => now - t < 1000);
    recent.push(now);
    perSecond.set(address, recent);
    return recent.length > HARDENED_LIMIT_PER_S;
  };
  sock.on('message', (msg, rinfo) => {
    const text = msg.toString('utf8');
    received.push({ text, at: performance.now() });
    if (throttled(rinfo.address)) return;
    for (const out of answer(text, { address: rinfo.address, port: rinfo.port }) ?? []) sock.send(out, rinfo.port, rinfo.address);
  });

  const pem = (name: string): string => readFileSync(new URL(name, CERTS), 'utf8');
  const tlsServer = tls.createServer(
    {
      key: pem('server.key'),
      cert: pem('server.pem'),
      ...(open
        ? { minVersion: 'TLSv1' as const, ciphers: 'DEFAULT@SECLEVEL=0' }
        : { minVersion: 'TLSv1.2' as const, ciphers: 'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384' }),
    },
    (s) => {
      s.on('error', () => undefined);
      s.on('data', (d) => {
        const text = d.toString('utf8');
        received.push({ text, at: performance.now() });
        for (const out of answer(text, { address: s.remoteAddress ?? '', port: s.remotePort ?? 0 }) ?? []) s.write(out);
      });
    },
  );
  tlsServer.on('tlsClientError', () => undefined);
  await new Promise<void>((r) => tlsServer.listen(0, '127.0.0.1', r));
  return {
    udpPort: sock.address().port,
    tlsPort: (tlsServer.address() as AddressInfo).port,
    received,
    bindings,
    close: () => new Promise<void>((r) => sock.close(() => tlsServer.close(() => r()))),
  };
}
