// The reflector's abuse limits as pure functions: cookies, no amplification toward unproven UDP
// sources (SIP and STUN), and budgets per address and prefix that decoys cannot flush.
import fc from 'fast-check';
import dgram from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, prefixOf, SourceBudget, WINDOW_MS } from '../../electron/reflector/budget.js';
import { LOG_LINES_PER_SECOND, newStats, sendDatagram, throttledLog, type ReflectorContext } from '../../electron/reflector/context.js';
import { COOKIE_WINDOW_MS, CookieJar } from '../../electron/reflector/cookie.js';
import { ConnectionGate } from '../../electron/reflector/sip-stream.js';
import { MAX_SIZED_RESPONSE, reflect, type UdpCookie } from '../../electron/reflector/sip-mirror.js';
import { answerStun } from '../../electron/reflector/stun-answer.js';
import { decodeStun, encodeStun } from '../../shared/stun/codec.js';
import { ATTR, METHOD_BINDING, type StunAttribute } from '../../shared/stun/message.js';
import { paddingToReach } from '../../shared/stun/attributes.js';

const enc = (s: string) => new TextEncoder().encode(s);
const victim = { address: '198.51.100.7', port: 5060 };
let now = 1_000_000;
const jar = new CookieJar(new Uint8Array(32).fill(7), () => now);
const udpCookie = (from = victim): UdpCookie => ({ issue: () => jar.issueText(from), valid: (t) => jar.verifyText(from, t) });
const options = (extra = '', callId = 'c1') =>
  'OPTIONS sip:example.test SIP/2.0\r\nVia: SIP/2.0/UDP 192.168.1.2:5060;branch=z9hG4bK-1;rport\r\n' +
  `From: <sip:a@example.test>;tag=1\r\nTo: <sip:a@example.test>\r\nCall-ID: ${callId}\r\nCSeq: 1 OPTIONS\r\n${extra}Content-Length: 0\r\n\r\n`;

describe('return-routability cookie', () => {
  it('is valid for its address and port in its window and the next, and nowhere else', () => {
    const c = jar.issue(victim);
    expect(jar.issueText(victim)).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(jar.verify(victim, c)).toBe(true);
    expect(jar.verify({ ...victim, port: 5061 }, c)).toBe(false);
    expect(jar.verify({ ...victim, address: '198.51.100.8' }, c)).toBe(false);
    expect(new CookieJar(new Uint8Array(32).fill(8), () => now).verify(victim, c)).toBe(false); // another key (a restart)
    now += COOKIE_WINDOW_MS;
    expect(jar.verify(victim, c)).toBe(true);
    now += COOKIE_WINDOW_MS;
    expect(jar.verify(victim, c)).toBe(false);
    expect(jar.verifyText(victim, 'x'.repeat(22))).toBe(false);
  });
});

describe('SIP over UDP: no amplification before return routability', () => {
  it("the issue's attacks — a small OPTIONS asking for 8192 bytes, one with only Via and Call-ID — get nothing larger than themselves", () => {
    const sized = enc('OPTIONS sip:x SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCall-ID: c\r\nX-SipLadder-Response-Size: 8192\r\n\r\n');
    const tiny = enc('OPTIONS sip:x SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCall-ID: c\r\n\r\n');
    for (const raw of [sized, tiny]) expect(reflect(raw, victim, 'udp', udpCookie())).toMatchObject({ kind: 'withheld' });
  });

  it('without a cookie: no mirror body that does not fit, sizes only up to the request, no knock; the cookie is handed out', () => {
    const raw = enc(options(`X-SipLadder-Knock: source\r\nX-SipLadder-Padding: ${'p'.repeat(400)}\r\n`));
    const r = reflect(raw, victim, 'udp', udpCookie());
    if (r.kind !== 'answer') throw new Error(r.kind);
    expect(r.bytes.length).toBeLessThanOrEqual(raw.length);
    expect(r).toMatchObject({ proven: false, knock: null });
    expect(new TextDecoder().decode(r.bytes)).toContain(`X-SipLadder-Cookie: ${jar.issueText(victim)}\r\n`);
    const askBig = enc(options(`X-SipLadder-Response-Size: 8000\r\nX-SipLadder-Padding: ${'p'.repeat(400)}\r\n`));
    expect((reflect(askBig, victim, 'udp', udpCookie()) as { bytes: Uint8Array }).bytes.length).toBe(askBig.length);
  });

  it('with its valid cookie: the mirror, sizes up to 8192 and the knock', () => {
    const cookie = `X-SipLadder-Cookie: ${jar.issueText(victim)}\r\n`;
    const r = reflect(enc(options(`${cookie}X-SipLadder-Knock: source\r\n`)), victim, 'udp', udpCookie());
    if (r.kind !== 'answer') throw new Error(r.kind);
    expect(r.proven).toBe(true);
    expect(new TextDecoder().decode(r.knock!)).toBe('SIPLADDER-KNOCK c1');
    expect(new TextDecoder().decode(r.bytes)).toContain('application/x-sipladder-mirror');
    const big = reflect(enc(options(`${cookie}X-SipLadder-Response-Size: 100000\r\n`)), victim, 'udp', udpCookie());
    expect((big as { bytes: Uint8Array }).bytes.length).toBe(MAX_SIZED_RESPONSE);
    // Someone else's cookie proves nothing.
    const stolen = reflect(
      enc(options(`${cookie}X-SipLadder-Response-Size: 8000\r\n`)),
      { ...victim, port: 40000 },
      'udp',
      udpCookie({ ...victim, port: 40000 }),
    );
    expect(stolen).toMatchObject({ kind: 'withheld' });
  });

  it('property: any request without a valid cookie gets at most its own size back', () => {
    const header = fc.constantFrom(
      'X-SipLadder-Knock: source',
      'X-SipLadder-Response-Size: 8192',
      'X-SipLadder-Response-Size: 1',
      'X-SipLadder-Cookie: AAAAAAAAAAAAAAAAAAAAAA',
      'Via: SIP/2.0/UDP a;branch=z9hG4bK2;rport',
      'To: <sip:b@x>',
      'Subject: hi',
    );
    fc.assert(
      fc.property(
        fc.array(header, { maxLength: 6 }),
        fc.string({ maxLength: 300 }),
        fc.constantFrom('OPTIONS', 'INFO', 'REGISTER'),
        (extra, callId, method) => {
          const text = options(extra.map((h) => `${h}\r\n`).join(''), callId.replace(/[\r\n]/g, '') || 'c').replace(/OPTIONS/g, method);
          const raw = enc(text);
          const r = reflect(raw, victim, 'udp', udpCookie());
          if (r.kind === 'answer') {
            expect(r.bytes.length).toBeLessThanOrEqual(raw.length);
            expect(r.knock).toBeNull();
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

const binding = (attributes: StunAttribute[], padTo = 0) => {
  const transactionId = new Uint8Array(12).fill(3);
  const bare = encodeStun({ cls: 'request', method: METHOD_BINDING, transactionId, attributes }, { fingerprint: true });
  const padding = padTo ? paddingToReach(bare.length, padTo) : null;
  return encodeStun(
    { cls: 'request', method: METHOD_BINDING, transactionId, attributes: padding ? [...attributes, padding] : attributes },
    { fingerprint: true },
  );
};
const place = { primary: '192.0.2.1', alternate: '192.0.2.2', port: 3478, altPort: 3479 };
const here = { ip: place.primary, port: place.port };
const port = (p: number) => ({ type: ATTR.RESPONSE_PORT, value: Uint8Array.of(p >> 8, p & 0xff, 0, 0) });

describe('STUN: no amplification before return routability (RFC 5780 §6.1, §7.5, §7.6)', () => {
  it('an unpadded 28-byte Binding is not answered; a padded one gets a response of exactly its size with PADDING and the cookie', () => {
    expect(answerStun(binding([]), victim, here, place, jar)).toMatchObject({ kind: 'withheld' });
    const raw = binding([], 192);
    const a = answerStun(raw, victim, here, place, jar);
    if (a.kind !== 'answer') throw new Error(a.kind);
    expect(a.bytes.length).toBe(raw.length);
    const d = decodeStun(a.bytes);
    if (!d.ok) throw new Error(d.error);
    expect(d.message.attributes.map((x) => x.type)).toEqual(
      expect.arrayContaining([ATTR.XOR_MAPPED_ADDRESS, ATTR.OTHER_ADDRESS, ATTR.PADDING, ATTR.SIPLADDER_COOKIE]),
    );
    expect(d.message.attributes.find((x) => x.type === ATTR.SIPLADDER_COOKIE)!.value).toEqual(jar.issue(victim));
  });

  it("RESPONSE-PORT redirects only with the source's cookie; 0, malformed, or with PADDING is a 400, never a throw", () => {
    const cookie = { type: ATTR.SIPLADDER_COOKIE, value: jar.issue(victim) };
    expect(answerStun(binding([port(40000)]), victim, here, place, jar)).toMatchObject({ kind: 'withheld' });
    expect(answerStun(binding([port(40000), cookie]), victim, here, place, jar)).toMatchObject({ kind: 'answer', toPort: 40000, proven: true });
    for (const bad of [
      [port(0), cookie],
      [port(40000), cookie, { type: ATTR.PADDING, value: new Uint8Array(100) }],
      [{ type: ATTR.RESPONSE_PORT, value: Uint8Array.of(1) }, cookie],
    ]) {
      const a = answerStun(binding(bad), victim, here, place, jar);
      if (a.kind !== 'answer') throw new Error(a.kind);
      expect(a.toPort).toBe(victim.port);
      const d = decodeStun(a.bytes);
      expect(d.ok && d.message.cls).toBe('error');
    }
  });
});

describe('budgets per address and per prefix, in a structure decoys cannot flush', () => {
  it('a /24 gets at most the prefix budget however many addresses it uses; IPv6 counts per /56', () => {
    const b = new SourceBudget(() => 0);
    let allowed = 0;
    for (let host = 0; host < 256; host++) for (let i = 0; i < 10; i++) if (b.allow(`203.0.113.${host}`, 100)) allowed++;
    expect(allowed).toBe(DEFAULT_LIMITS.requestsPerPrefix);
    expect(prefixOf('::ffff:203.0.113.9')).toBe(prefixOf('203.0.113.200'));
    expect(prefixOf('2001:db8:0:ff00::1')).toBe(prefixOf('2001:db8:0:ffff::2'));
    expect(prefixOf('2001:db8:0:ff00::1')).not.toBe(prefixOf('2001:db8:0:fe00::1'));
    expect(b.allow('203.0.114.1', 100)).toBe(true); // the next /24 is independent
  });

  it("16,000 decoy sources within the window do not reset a victim's spent budget", () => {
    let t = 0;
    const b = new SourceBudget(() => t);
    while (b.allow('192.0.2.1', 1000));
    for (let i = 0; i < 16_000; i++) b.allow(`10.${i >> 8}.${i & 0xff}.1`, 1000);
    expect(b.allow('192.0.2.1', 1)).toBe(false);
    expect(b.allow('198.18.0.1', 1000)).toBe(true); // and do not lock out an honest newcomer either
    t += WINDOW_MS;
    expect(b.allow('192.0.2.1', 1)).toBe(true);
  });
});

describe('connection caps and robustness helpers', () => {
  it('the gate caps connections per source and in all, and frees a place on release', () => {
    const gate = new ConnectionGate({ total: 3, perSource: 2 });
    expect([gate.admit('a'), gate.admit('a'), gate.admit('a')]).toEqual([true, true, false]);
    expect([gate.admit('b'), gate.admit('c')]).toEqual([true, false]);
    gate.release('a');
    expect(gate.admit('c')).toBe(true);
  });

  it("a send to port 0 (the issue's RESPONSE-PORT crash) is logged, not thrown", async () => {
    const lines: string[] = [];
    const ctx = { stats: newStats(), log: (l: string) => lines.push(l) } as unknown as ReflectorContext;
    const s = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', () => resolve()));
    expect(() => sendDatagram(ctx, s, new Uint8Array(4), 0, '127.0.0.1', 'test')).not.toThrow();
    s.close();
    expect(ctx.stats.errors).toBe(1);
    expect(lines[0]).toMatch(/ERR_SOCKET_BAD_PORT/);
  });

  it('a flood of log lines is cut to LOG_LINES_PER_SECOND and the rest are counted', () => {
    let t = 0;
    const lines: string[] = [];
    const log = throttledLog(
      (l) => lines.push(l),
      () => t,
    );
    for (let i = 0; i < 1000; i++) log(`line ${i}`);
    t = 1000;
    log('next second');
    expect(lines.length).toBe(LOG_LINES_PER_SECOND + 2);
    expect(lines.at(-2)).toBe(`(${1000 - LOG_LINES_PER_SECOND} log lines skipped in the last busy second)`);
  });
});
