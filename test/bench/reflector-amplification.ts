// `npm run bench`: the reflector's amplification factor measured by a test client on loopback —
// bytes answered ÷ bytes sent, per request type, from a fresh source (no cookie: what a spoofer can
// make it send to a victim) and with the source's own cookie (only a source that receives answers
// can have it). Answers to other ports (knock, RESPONSE-PORT) count toward the same source address.
import { randomBytes } from 'node:crypto';
import { startReflector } from '../../electron/reflector/server.js';
import { paddingToReach } from '../../shared/stun/attributes.js';
import { encodeStun } from '../../shared/stun/codec.js';
import { ATTR, METHOD_BINDING, type StunAttribute } from '../../shared/stun/message.js';
import { cookieIn, sentinel, sipOptions, udpTestClient, type UdpTestClient } from '../integration/reflector-client.js';

export interface AmplificationRow {
  request: string;
  cookie: boolean;
  sent: number;
  answered: number;
}

type Probe = { bytes: Uint8Array; port: number; marker: string };
type Case = { request: string; cookie: boolean; build(cookie: string | Uint8Array | null, c: UdpTestClient): Probe[] };

const binding = (attributes: StunAttribute[], padTo = 0): Uint8Array => {
  const transactionId = randomBytes(12);
  const bare = encodeStun({ cls: 'request', method: METHOD_BINDING, transactionId, attributes }, { fingerprint: true });
  const padding = padTo ? paddingToReach(bare.length, padTo) : null;
  return encodeStun(
    { cls: 'request', method: METHOD_BINDING, transactionId, attributes: padding ? [...attributes, padding] : attributes },
    { fingerprint: true },
  );
};
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const tidOf = (b: Uint8Array): string => Buffer.from(b.subarray(8, 20)).toString('latin1');

function sipCases(port: number): Case[] {
  const sip = (request: string, extra: string[], bare?: string): Case[] =>
    [false, true].map((cookie) => ({
      request,
      cookie,
      build: (c) => {
        const withCookie = c ? [...extra, `X-SipLadder-Cookie: ${c as string}`] : extra;
        const req = bare ? enc(bare.replace('\r\n\r\n', withCookie.map((h) => `\r\n${h}`).join('') + '\r\n\r\n')) : sipOptions(withCookie).bytes;
        return [{ bytes: req, port, marker: '' }];
      },
    }));
  const tiny = 'OPTIONS sip:x SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCall-ID: c\r\n\r\n';
  return [
    ...sip('SIP OPTIONS with only Via and Call-ID', [], tiny),
    ...sip('SIP OPTIONS (Via, Call-ID) asking for 8192 B', ['X-SipLadder-Response-Size: 8192'], tiny),
    ...sip('SIP OPTIONS, usual headers (mirror)', []),
    ...sip('SIP OPTIONS asking for a knock', ['X-SipLadder-Knock: source']),
    ...sip('SIP OPTIONS padded for a cookie (+400 B)', [`X-SipLadder-Padding: ${'p'.repeat(400)}`]),
  ];
}

function stunCases(port: number): Case[] {
  const stun = (request: string, attrs: (peer: UdpTestClient) => StunAttribute[], padTo = 0): Case[] =>
    [false, true].map((cookie) => ({
      request,
      cookie,
      build: (c, peer) => [
        { bytes: binding([...attrs(peer), ...(c ? [{ type: ATTR.SIPLADDER_COOKIE, value: c as Uint8Array }] : [])], padTo), port, marker: '' },
      ],
    }));
  return [
    ...stun('STUN Binding', () => []),
    ...stun('STUN Binding padded to 192 B', () => [], 192),
    ...stun('STUN Binding, CHANGE-REQUEST ip+port', () => [{ type: ATTR.CHANGE_REQUEST, value: Uint8Array.of(0, 0, 0, 6) }]),
    ...stun('STUN Binding, RESPONSE-PORT to another port', (peer) => [
      { type: ATTR.RESPONSE_PORT, value: Uint8Array.of(peer.port >> 8, peer.port & 0xff, 0, 0) },
    ]),
  ];
}

/** Sends one case from fresh sockets and sums every byte that came back to that address. */
async function measure(k: Case, sipPort: number, stunPort: number): Promise<AmplificationRow> {
  const [c, peer] = await Promise.all([udpTestClient(), udpTestClient()]);
  try {
    const isStun = k.request.startsWith('STUN');
    const fence = (): Probe => {
      if (isStun) {
        const b = binding([], 192);
        return { bytes: b, port: stunPort, marker: tidOf(b) };
      }
      const s = sentinel();
      return { bytes: s.bytes, port: sipPort, marker: s.callId };
    };
    let cookie: string | Uint8Array | null = null;
    if (k.cookie) {
      const f = fence();
      c.send(f.bytes, f.port);
      const answer = await c.waitFor(f.marker);
      const at = answer.indexOf(Buffer.from([0xc0, 0x5c, 0x00, 0x10]));
      cookie = isStun ? new Uint8Array(answer.subarray(at + 4, at + 20)) : cookieIn(answer);
      c.take();
    }
    const sent = k.build(cookie, peer).reduce((n, p) => (c.send(p.bytes, p.port), n + p.bytes.length), 0);
    const f = fence();
    c.send(f.bytes, f.port);
    await c.waitFor(f.marker);
    // The fence was sent after the request from the same socket: once its answer is here, so is everything the request caused.
    const back = [...c.take(), ...peer.take()].filter((b) => !b.toString('latin1').includes(f.marker));
    return { request: k.request, cookie: k.cookie, sent, answered: back.reduce((n, b) => n + b.length, 0) };
  } finally {
    c.close();
    peer.close();
  }
}

export async function benchReflectorAmplification(): Promise<AmplificationRow[]> {
  const stunPort = 40000 + Math.floor(Math.random() * 20000);
  const r = await startReflector(
    { listen: '127.0.0.1', sipPorts: [0], stun: { primary: '127.0.0.1', alternate: '127.0.0.2', port: stunPort } },
    () => undefined,
  );
  try {
    const sipPort = r.sipPorts[0]!;
    const rows: AmplificationRow[] = [];
    for (const k of [...sipCases(sipPort), ...stunCases(stunPort)]) rows.push(await measure(k, sipPort, stunPort));
    return rows;
  } finally {
    await r.close();
  }
}

export function formatAmplification(rows: AmplificationRow[]): string {
  const factor = (r: AmplificationRow): number => r.answered / r.sent;
  const worst = (cookie: boolean): AmplificationRow => rows.filter((r) => r.cookie === cookie).reduce((a, b) => (factor(b) > factor(a) ? b : a));
  const lines = rows.map(
    (r) =>
      `  ${r.request.padEnd(46)} ${r.cookie ? 'cookie   ' : 'no cookie'} ${String(r.sent).padStart(5)} B in ${String(r.answered).padStart(5)} B out  ${factor(r).toFixed(2)}x`,
  );
  const w = worst(false);
  const p = worst(true);
  return [
    'Reflector amplification (bytes answered ÷ bytes sent, UDP payloads, loopback test client):',
    ...lines,
    `  worst case toward an unproven (possibly spoofed) source: ${factor(w).toFixed(2)}x (${w.request})`,
    `  worst case toward a source that proved it receives answers: ${factor(p).toFixed(2)}x (${p.request})`,
  ].join('\n');
}
