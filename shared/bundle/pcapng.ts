// The trace as pcapng (draft-ietf-opsawg-pcapng) that Wireshark/tshark open: one packet per sent
// or received message, with synthesised IPv4/IPv6 and UDP/TCP headers (checksums included, TCP
// sequence numbers per flow). TLS and WebSocket payloads are the SIP plaintext, marked in a comment.
import { concatBytes, fromBase64, utf8 } from '../hash/utf8.js';
import type { CheckResult } from '../model/results.js';
import type { Endpoint } from '../model/trace.js';
import { ipv4Bytes, ipv6Bytes } from '../net/ip.js';

/** LINKTYPE_RAW: packets start with the IP header (no Ethernet). */
export const LINKTYPE_RAW = 101;
const MAX_PAYLOAD = 65_495; // fits any IPv4 packet with a TCP header
const UNKNOWN: Endpoint = { address: '0.0.0.0', port: 0 };

function checksum(...parts: Uint8Array[]): number {
  let sum = 0;
  for (const p of parts) {
    for (let i = 0; i < p.length; i += 2) sum += (p[i]! << 8) | (p[i + 1] ?? 0);
  }
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return ~sum & 0xffff;
}

function addressBytes(e: Endpoint, v6: boolean): Uint8Array {
  const b = v6 ? ipv6Bytes(e.address) : ipv4Bytes(e.address);
  return b ?? new Uint8Array(v6 ? 16 : 4);
}

/** One IP packet carrying `payload` from `src` to `dst` over UDP or TCP (seq/ack for TCP). */
export function ipPacket(src: Endpoint, dst: Endpoint, proto: 'udp' | 'tcp', payload: Uint8Array, tcp?: { seq: number; ack: number }): Uint8Array {
  const v6 = src.address.includes(':') || dst.address.includes(':');
  const s = addressBytes(src, v6);
  const d = addressBytes(dst, v6);
  const l4len = (proto === 'udp' ? 8 : 20) + payload.length;
  const l4 = new Uint8Array(l4len);
  const lv = new DataView(l4.buffer);
  lv.setUint16(0, src.port);
  lv.setUint16(2, dst.port);
  if (proto === 'udp') lv.setUint16(4, l4len);
  else {
    lv.setUint32(4, tcp!.seq >>> 0);
    lv.setUint32(8, tcp!.ack >>> 0);
    l4[12] = 5 << 4; // data offset: 5 words
    l4[13] = 0x18; // PSH | ACK
    lv.setUint16(14, 65535); // window
  }
  l4.set(payload, proto === 'udp' ? 8 : 20);
  const protoNum = proto === 'udp' ? 17 : 6;
  // Pseudo-header checksum (RFC 768, RFC 9293 §3.1, RFC 8200 §8.1).
  const pseudo = new Uint8Array(v6 ? 40 : 12);
  const pv = new DataView(pseudo.buffer);
  pseudo.set(s, 0);
  pseudo.set(d, s.length);
  if (v6) {
    pv.setUint32(32, l4len);
    pseudo[39] = protoNum;
  } else {
    pseudo[9] = protoNum;
    pv.setUint16(10, l4len);
  }
  const sum = checksum(pseudo, l4);
  lv.setUint16(proto === 'udp' ? 6 : 16, proto === 'udp' && sum === 0 ? 0xffff : sum);
  const ipHeader = new Uint8Array(v6 ? 40 : 20);
  const iv = new DataView(ipHeader.buffer);
  if (v6) {
    ipHeader[0] = 0x60;
    iv.setUint16(4, l4len);
    ipHeader[6] = protoNum;
    ipHeader[7] = 64;
    ipHeader.set(s, 8);
    ipHeader.set(d, 24);
  } else {
    ipHeader[0] = 0x45;
    iv.setUint16(2, 20 + l4len);
    ipHeader[8] = 64;
    ipHeader[9] = protoNum;
    ipHeader.set(s, 12);
    ipHeader.set(d, 16);
    iv.setUint16(10, checksum(ipHeader));
  }
  const out = new Uint8Array(ipHeader.length + l4len);
  out.set(ipHeader);
  out.set(l4, ipHeader.length);
  return out;
}

const pad4 = (n: number): number => (n + 3) & ~3;

/** One pcapng block: type, total length, body padded to 4 bytes, total length again. */
export function block(type: number, body: Uint8Array): Uint8Array {
  const total = 12 + pad4(body.length);
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  v.setUint32(0, type, true);
  v.setUint32(4, total, true);
  out.set(body, 8);
  v.setUint32(total - 4, total, true);
  return out;
}

function options(list: Array<[number, Uint8Array]>): Uint8Array {
  const size = list.reduce((n, [, v]) => n + 4 + pad4(v.length), 0) + (list.length ? 4 : 0);
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  let pos = 0;
  for (const [code, value] of list) {
    v.setUint16(pos, code, true);
    v.setUint16(pos + 2, value.length, true);
    out.set(value, pos + 4);
    pos += 4 + pad4(value.length);
  }
  return out; // the trailing 4 zero bytes are opt_endofopt
}

/** Builds the capture from a check's trace. */
export function tracePcapng(result: CheckResult, appName = 'SIP Ladder'): Uint8Array {
  const shbBody = new Uint8Array(16);
  const sv = new DataView(shbBody.buffer);
  sv.setUint32(0, 0x1a2b3c4d, true);
  sv.setUint16(4, 1, true);
  sv.setUint16(6, 0, true);
  sv.setBigInt64(8, -1n, true); // section length unknown
  const shb = block(0x0a0d0d0a, concatBytes([shbBody, options([[4, utf8(appName)]])]));
  const idbBody = new Uint8Array(8);
  const dv = new DataView(idbBody.buffer);
  dv.setUint16(0, LINKTYPE_RAW, true);
  dv.setUint32(4, 262_144, true);
  const idb = block(0x00000001, idbBody);
  const start = Date.parse(result.startedAt) || 0;
  const seq = new Map<string, number>(); // next sequence number per TCP direction
  const transportOf = new Map(result.attempts.map((a) => [a.id, a.transport]));
  const packets: Uint8Array[] = [];
  for (const e of result.trace) {
    if (!e.bytes || (e.kind !== 'sent' && e.kind !== 'received')) continue;
    const outgoing = e.kind === 'sent';
    const local = e.local ?? UNKNOWN;
    const remote = e.remote ?? UNKNOWN;
    const [src, dst] = outgoing ? [local, remote] : [remote, local];
    const transport = e.transport ?? transportOf.get(e.attempt) ?? 'udp';
    const proto = transport === 'udp' ? 'udp' : 'tcp';
    let payload = fromBase64(e.bytes);
    if (payload.length > MAX_PAYLOAD) payload = payload.subarray(0, MAX_PAYLOAD);
    let tcp: { seq: number; ack: number } | undefined;
    if (proto === 'tcp') {
      const fwd = `${src.address}:${src.port}>${dst.address}:${dst.port}`;
      const rev = `${dst.address}:${dst.port}>${src.address}:${src.port}`;
      const s = seq.get(fwd) ?? 1;
      tcp = { seq: s, ack: seq.get(rev) ?? 1 };
      seq.set(fwd, s + payload.length);
    }
    const packet = ipPacket(src, dst, proto, payload, tcp);
    const epb = new Uint8Array(20 + pad4(packet.length));
    const ev = new DataView(epb.buffer);
    const micros = BigInt(Math.round((start + e.t) * 1000));
    ev.setUint32(0, 0, true); // interface 0
    ev.setUint32(4, Number(micros >> 32n), true);
    ev.setUint32(8, Number(micros & 0xffffffffn), true);
    ev.setUint32(12, packet.length, true);
    ev.setUint32(16, packet.length, true);
    epb.set(packet, 20);
    const comment = [
      transport === 'tls' || transport === 'wss' ? `SIP over ${transport.toUpperCase()}, shown decrypted` : '',
      transport === 'ws' || transport === 'wss' ? 'WebSocket framing removed' : '',
      `trace #${e.seq}`,
      e.note ?? '',
    ]
      .filter(Boolean)
      .join('; ');
    packets.push(block(0x00000006, concatBytes([epb, options([[1, utf8(comment)]])])));
  }
  return concatBytes([shb, idb, ...packets]);
}
