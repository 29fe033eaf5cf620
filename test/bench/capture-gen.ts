// A realistic provider-side capture for the import benchmark (issue 10): many clients with
// several user agents, over UDP and TCP (long-lived flows the capture joins mid-connection);
// registrations with failures of several kinds, OPTIONS keep-alives (some unanswered), calls with
// SDP offers/answers, repeated media addresses, BYE, CANCEL/487, 486, 480, 503, a missing ACK,
// and some RTP between them. Dialogs overlap in time as on a real server. Deterministic (seeded).
import { frame, ipPacket, pcapFile } from '../fixtures/pcap-builder.js';

type Ep = { address: string; port: number };
export interface Client {
  ep: Ep;
  user: string;
  ua: string;
  tcp: boolean;
  mediaAddress: string;
  seqUp: number;
  seqDown: number;
}
interface Frame {
  ts: number;
  data: Uint8Array;
}

const SERVER: Ep = { address: '198.51.100.7', port: 5060 };
const SERVER_UA = 'Server: Kamailio (5.8.4 (x86_64/linux))';
const USER_AGENTS = [
  'Jitsi2.10.5550Linux',
  'Linphone/5.2.5 (belle-sip/5.2.94)',
  'Zoiper rv2.10.20.3',
  'Yealink SIP-T46U 108.86.0.45',
  'Grandstream GXP2170 1.0.11.64',
  'PolycomVVX-VVX_450-UA/6.4.6.2433',
  'MicroSIP/3.21.3',
];
const te = new TextEncoder();
const MTU_PAYLOAD = 1400;

/** mulberry32: a small seeded generator, so every run benchmarks the same file. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function message(startLine: string, headers: string[], body = ''): Uint8Array {
  return te.encode(
    `${startLine}\r\n${headers.join('\r\n')}\r\n${body ? 'Content-Type: application/sdp\r\n' : ''}Content-Length: ${te.encode(body).length}\r\n\r\n${body}`,
  );
}

function sdp(c: Client, id: number, port: number, answer: boolean): string {
  const codecs = answer ? '0 101' : '0 8 9 18 101';
  return [
    `v=0`,
    `o=${c.user} ${id} ${id + 1} IN IP4 ${c.mediaAddress}`,
    `s=-`,
    `c=IN IP4 ${c.mediaAddress}`,
    `t=0 0`,
    `m=audio ${port} RTP/AVP ${codecs}`,
    `a=rtpmap:0 PCMU/8000`,
    ...(answer ? [] : [`a=rtpmap:8 PCMA/8000`, `a=rtpmap:9 G722/8000`, `a=rtpmap:18 G729/8000`]),
    `a=rtpmap:101 telephone-event/8000`,
    `a=fmtp:101 0-16`,
    `a=ptime:20`,
    `a=sendrecv`,
    '',
  ].join('\r\n');
}

interface Pending {
  ts: number;
  data?: Uint8Array;
  tcp?: { c: Client; up: boolean; bytes: Uint8Array };
}

export class Writer {
  private readonly pending: Pending[] = [];

  get count(): number {
    return this.pending.length;
  }

  send(c: Client, up: boolean, ts: number, bytes: Uint8Array): void {
    const [src, dst] = up ? [c.ep, SERVER] : [SERVER, c.ep];
    this.pending.push(c.tcp ? { ts, tcp: { c, up, bytes } } : { ts, data: frame('ethernet', ipPacket(src, dst, 'udp', bytes)) });
  }

  /** The first `packets` packets in time order; TCP sequence numbers are given in that order, segments cut at the MTU. */
  frames(packets: number): Frame[] {
    const out: Frame[] = [];
    for (const p of this.pending.sort((a, b) => a.ts - b.ts)) {
      if (out.length >= packets) break;
      if (p.data) {
        out.push({ ts: Math.round(p.ts), data: p.data });
        continue;
      }
      const { c, up, bytes } = p.tcp!;
      const [src, dst] = up ? [c.ep, SERVER] : [SERVER, c.ep];
      for (let at = 0; at < bytes.length && out.length < packets; at += MTU_PAYLOAD) {
        const part = bytes.subarray(at, at + MTU_PAYLOAD);
        out.push({
          ts: Math.round(p.ts),
          data: frame('ethernet', ipPacket(src, dst, 'tcp', part, { seq: up ? c.seqUp : c.seqDown, ack: up ? c.seqDown : c.seqUp })),
        });
        if (up) c.seqUp = (c.seqUp + part.length) >>> 0;
        else c.seqDown = (c.seqDown + part.length) >>> 0;
      }
    }
    return out;
  }

  rtp(c: Client, ts: number, count: number): void {
    for (let i = 0; i < count; i++) {
      const payload = new Uint8Array(172);
      payload[0] = 0x80; // RTP version 2, PCMU
      this.pending.push({
        ts: ts + i * 20_000,
        data: frame(
          'ethernet',
          ipPacket({ address: c.mediaAddress, port: 40_000 + (c.ep.port % 1000) * 2 }, { address: '198.51.100.9', port: 20_000 + i * 2 }, 'udp', payload),
        ),
      });
    }
  }
}

export type Scenario = (w: Writer, c: Client, id: number, ts: number, r: () => number) => void;

const via = (c: Client, branch: string, response = false): string =>
  `Via: SIP/2.0/${c.tcp ? 'TCP' : 'UDP'} ${c.ep.address}:${c.ep.port};branch=z9hG4bK${branch}${response ? `;rport=${c.ep.port};received=${c.ep.address}` : ';rport'}`;
const dialog = (c: Client, id: number, cseq: string, toTag = false): string[] => [
  `From: "${c.user}" <sip:${c.user}@voip.example.net>;tag=${id.toString(36)}f`,
  `To: <sip:${c.user}@voip.example.net>${toTag ? `;tag=${id.toString(36)}t` : ''}`,
  `Call-ID: ${id.toString(36)}-${c.user}@${c.ep.address}`,
  `CSeq: ${cseq}`,
];
const contact = (c: Client): string => `Contact: <sip:${c.user}@${c.ep.address}:${c.ep.port}${c.tcp ? ';transport=tcp' : ''}>`;
const auth = (c: Client, id: number, uri: string): string =>
  `Authorization: Digest username="${c.user}", realm="voip.example.net", nonce="${id.toString(16)}a9f3", uri="${uri}", response="00000000000000000000000000000000", algorithm=MD5, qop=auth, nc=00000001, cnonce="${id.toString(16)}"`;

export function register(final: 200 | 403 | 'no-answer' | 503): Scenario {
  return (w, c, id, ts) => {
    const req = (cseq: number, withAuth: boolean) =>
      message('REGISTER sip:voip.example.net SIP/2.0', [
        via(c, `${id}r${cseq}`),
        'Max-Forwards: 70',
        ...dialog(c, id, `${cseq} REGISTER`),
        contact(c),
        `User-Agent: ${c.ua}`,
        'Expires: 3600',
        ...(withAuth ? [auth(c, id, 'sip:voip.example.net')] : []),
        'Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, NOTIFY, REFER',
      ]);
    const res = (cseq: number, status: string, extra: string[] = []) =>
      message(`SIP/2.0 ${status}`, [via(c, `${id}r${cseq}`, true), ...dialog(c, id, `${cseq} REGISTER`, true), ...extra, SERVER_UA]);
    // Field story 000: only clients on UDP 5060 lose the 401; elsewhere the same start registers.
    const outcome = final === 'no-answer' && (c.tcp || c.ep.port !== 5060) ? 200 : final;
    w.send(c, true, ts, req(1, false));
    if (outcome === 503) return w.send(c, false, ts + 2_000, res(1, '503 Service Unavailable', ['Retry-After: 30']));
    w.send(
      c,
      false,
      ts + 2_000,
      res(1, '401 Unauthorized', [`WWW-Authenticate: Digest realm="voip.example.net", nonce="${id.toString(16)}a9f3", qop="auth", algorithm=MD5`]),
    );
    if (outcome === 'no-answer') return;
    w.send(c, true, ts + 60_000, req(2, true));
    w.send(c, false, ts + 62_000, res(2, outcome === 200 ? '200 OK' : '403 Forbidden', outcome === 200 ? [`${contact(c)};expires=3600`] : []));
  };
}

export function keepalive(answered: boolean): Scenario {
  return (w, c, id, ts) => {
    const sv = `Via: SIP/2.0/${c.tcp ? 'TCP' : 'UDP'} ${SERVER.address}:${SERVER.port};branch=z9hG4bK${id}k`;
    const head = [
      sv,
      `From: <sip:ping@voip.example.net>;tag=${id}p`,
      `To: <sip:${c.user}@${c.ep.address}:${c.ep.port}>`,
      `Call-ID: ${id.toString(36)}ka@${SERVER.address}`,
      'CSeq: 1 OPTIONS',
    ];
    const options = message(`OPTIONS sip:${c.user}@${c.ep.address}:${c.ep.port} SIP/2.0`, [
      ...head,
      'Max-Forwards: 70',
      SERVER_UA.replace('Server', 'User-Agent'),
    ]);
    // Unanswered: Timer E retransmissions over UDP (RFC 3261 §17.1.2.2), once over TCP.
    const tries = answered || c.tcp ? 1 : 4;
    for (let i = 0; i < tries; i++) w.send(c, false, ts + 500_000 * (2 ** i - 1), options);
    if (answered)
      w.send(c, true, ts + 30_000, message('SIP/2.0 200 OK', [...head.slice(0, 3), `${head[3]}`, head[4]!, `User-Agent: ${c.ua}`, 'Accept: application/sdp']));
  };
}

type CallEnd = 'bye' | 486 | 487 | 480 | 408 | 503 | 'no-ack' | 'reinvite-storm';
/** re-INVITEs of the 'reinvite-storm' call. */
const STORM_REINVITES = 12;

export function call(end: CallEnd): Scenario {
  return (w, c, id, ts, r) => {
    const callee = `+4930${String(1_000_000 + Math.floor(r() * 8_999_999))}`;
    const uri = `sip:${callee}@voip.example.net`;
    const inviteHead = (cseq: string, toTag: boolean) => [
      via(c, `${id}i`),
      ...dialog(c, id, cseq, toTag).map((h) => (h.startsWith('To:') ? `To: <${uri}>${toTag ? `;tag=${id.toString(36)}t` : ''}` : h)),
    ];
    const resp = (status: string, extra: string[] = [], body = '') =>
      message(
        `SIP/2.0 ${status}`,
        [
          ...inviteHead('1 INVITE', !status.startsWith('100')).map((h) =>
            h.startsWith('Via') ? `${h.replace(';rport', '')};rport=${c.ep.port};received=${c.ep.address}` : h,
          ),
          ...extra,
          SERVER_UA,
        ],
        body,
      );
    const mediaPort = 10_000 + (id % 5000) * 2;
    w.send(
      c,
      true,
      ts,
      message(
        `INVITE ${uri} SIP/2.0`,
        [
          ...inviteHead('1 INVITE', false),
          'Max-Forwards: 70',
          contact(c),
          `User-Agent: ${c.ua}`,
          auth(c, id, uri),
          'Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE',
          'Supported: replaces, timer',
        ],
        sdp(c, id, mediaPort, false),
      ),
    );
    w.send(c, false, ts + 3_000, resp('100 Trying'));
    const ack = (cseq = '1 ACK') =>
      message(`ACK ${uri} SIP/2.0`, [via(c, `${id}a`), ...inviteHead(cseq, true).slice(1), 'Max-Forwards: 70', `User-Agent: ${c.ua}`]);
    if (end === 486 || end === 480 || end === 408 || end === 503) {
      const reason = { 486: 'Busy Here', 480: 'Temporarily Unavailable', 408: 'Request Timeout', 503: 'Service Unavailable' }[end];
      w.send(c, false, ts + (end === 408 ? 32_000_000 : 900_000), resp(`${end} ${reason}`));
      return w.send(c, true, ts + (end === 408 ? 32_001_000 : 901_000), ack());
    }
    w.send(c, false, ts + 400_000, resp('180 Ringing', [`Contact: <sip:${callee}@${SERVER.address}>`]));
    if (end === 487) {
      w.send(c, true, ts + 6_000_000, message(`CANCEL ${uri} SIP/2.0`, [via(c, `${id}i`), ...inviteHead('1 CANCEL', false).slice(1), 'Max-Forwards: 70']));
      w.send(c, false, ts + 6_002_000, message('SIP/2.0 200 OK', [via(c, `${id}i`, true), ...inviteHead('1 CANCEL', true).slice(1), SERVER_UA]));
      w.send(c, false, ts + 6_003_000, resp('487 Request Terminated'));
      return w.send(c, true, ts + 6_004_000, ack());
    }
    const answer = sdp({ ...c, user: 'sbc', mediaAddress: '198.51.100.9' }, id, 20_000 + (id % 8000) * 2, true);
    const ok = resp('200 OK', [`Contact: <sip:${callee}@${SERVER.address}>`, 'Record-Route: <sip:198.51.100.7;lr>'], answer);
    if (end === 'no-ack') {
      // The 200 is retransmitted (Timer G) because its ACK never arrives: the client is behind a NAT that lost the Contact.
      for (let i = 0; i < 5; i++) w.send(c, false, ts + 4_000_000 + 500_000 * (2 ** i - 1), ok);
      return;
    }
    w.send(c, false, ts + 4_000_000, ok);
    w.send(c, true, ts + 4_020_000, ack());
    for (let i = 1; end === 'reinvite-storm' && i <= STORM_REINVITES; i++) {
      const at = ts + 4_100_000 + i * 200_000;
      w.send(
        c,
        true,
        at,
        message(
          `INVITE sip:${callee}@${SERVER.address} SIP/2.0`,
          [via(c, `${id}re${i}`), ...inviteHead(`${1 + i} INVITE`, true).slice(1), 'Max-Forwards: 70', contact(c), `User-Agent: ${c.ua}`],
          sdp(c, id + i, mediaPort, false),
        ),
      );
      w.send(
        c,
        false,
        at + 3_000,
        message('SIP/2.0 200 OK', [via(c, `${id}re${i}`, true), ...inviteHead(`${1 + i} INVITE`, true).slice(1), SERVER_UA], answer),
      );
      w.send(c, true, at + 5_000, ack(`${1 + i} ACK`));
    }
    w.rtp(c, ts + 4_040_000, 3);
    w.send(
      c,
      true,
      ts + 60_000_000,
      message(`BYE sip:${callee}@${SERVER.address} SIP/2.0`, [
        via(c, `${id}b`),
        ...inviteHead('2 BYE', true).slice(1),
        'Max-Forwards: 70',
        `User-Agent: ${c.ua}`,
      ]),
    );
    w.send(c, false, ts + 60_030_000, message('SIP/2.0 200 OK', [`${via(c, `${id}b`, true)}`, ...inviteHead('2 BYE', true).slice(1), SERVER_UA]));
  };
}

/** Scenarios by weight (out of 100). */
const MIX: Array<[number, Scenario]> = [
  [28, register(200)],
  [2, register('no-answer')],
  [2, register(403)],
  [1, register(503)],
  [24, keepalive(true)],
  [3, keepalive(false)],
  [28, call('bye')],
  [3, call(486)],
  [3, call(487)],
  [1, call(480)],
  [1, call(408)],
  [1, call(503)],
  [1, call('no-ack')],
  [1, call('reinvite-storm')],
];

/** `count` clients: several user agents (Jitsi on UDP 5060), one in five on TCP, one in five with a private media address. */
export function clientsFor(count: number, r: () => number): Client[] {
  return Array.from({ length: count }, (_, i) => {
    const ua = USER_AGENTS[i % USER_AGENTS.length]!;
    const address = i % 3 ? `203.${(i >> 8) & 127}.113.${i & 255}` : `198.${18 + ((i >> 16) & 1)}.${(i >> 8) & 255}.${i & 255}`;
    const jitsi = ua.startsWith('Jitsi');
    // One client in five keeps its private address in SDP (no STUN, no ALG): one-way audio material.
    const mediaAddress = i % 5 === 0 ? `192.168.${i & 255}.${10 + (i % 200)}` : address;
    return {
      ep: { address, port: jitsi ? 5060 : 1024 + Math.floor(r() * 60_000) },
      user: `u${1000 + i}`,
      ua,
      tcp: !jitsi && i % 5 === 1,
      mediaAddress,
      seqUp: Math.floor(r() * 2 ** 32),
      seqDown: Math.floor(r() * 2 ** 32),
    };
  });
}

/** A capture of about `packets` packets (cut at exactly that many), Ethernet/IPv4, in time order. */
export function generateCapture(packets: number, seed = 1): Uint8Array {
  const r = seeded(seed);
  const clients = clientsFor(Math.max(10, Math.round(packets / 40)), r);
  const total = MIX.reduce((s, [w]) => s + w, 0);
  const w = new Writer();
  // About 250 dialogs start per second; each lasts up to a minute, so thousands overlap.
  for (let id = 1, ts = 1_700_000_000_000_000; w.count < packets * 1.1; id++, ts += Math.floor(r() * 8_000)) {
    let pick = r() * total;
    const scenario = MIX.find(([weight]) => (pick -= weight) < 0)?.[1] ?? MIX[0]![1];
    scenario(w, clients[Math.floor(r() * clients.length)]!, id, ts, r);
  }
  return pcapFile('ethernet', w.frames(packets));
}
