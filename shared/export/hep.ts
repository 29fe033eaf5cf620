// HEP v3 (the Homer Encapsulation Protocol, "HEP3" spec by SIPCAPTURE, as received by Homer and
// Kamailio's sipcapture module): every traced SIP message of a run, with its addresses, wall-clock
// time and Call-ID as the correlation id, so a provider's Homer shows it next to its own capture.
import { concatBytes, fromBase64, utf8 } from '../hash/utf8.js';
import { ipv4Bytes, ipv6Bytes } from '../net/ip.js';
import type { CheckResult } from '../model/results.js';
import type { Endpoint, TraceEvent } from '../model/trace.js';
import { parseMessage } from '../sip/parse.js';

/** "HEP3" in ASCII: the first four bytes of every packet (HEP3 spec §"Header"). */
const HEP3_MAGIC = [0x48, 0x45, 0x50, 0x33];
/** Every chunk starts with vendor id (2), type id (2) and length (2, header included). */
const CHUNK_HEADER_BYTES = 6;
/** Vendor 0x0000: the generic chunk types of the spec. */
const GENERIC_VENDOR = 0x0000;
/** The total length field is 16 bits: a packet (header and chunks) can never be longer. */
export const MAX_HEP_PACKET_BYTES = 0xffff;

/** Generic chunk type ids (HEP3 spec, "chunk types" table). */
export const HEP_CHUNK = {
  ipFamily: 0x0001,
  ipProtocol: 0x0002,
  ipv4Source: 0x0003,
  ipv4Destination: 0x0004,
  ipv6Source: 0x0005,
  ipv6Destination: 0x0006,
  sourcePort: 0x0007,
  destinationPort: 0x0008,
  timestampSeconds: 0x0009,
  timestampMicroseconds: 0x000a,
  protocolType: 0x000b,
  captureAgentId: 0x000c,
  payload: 0x000f,
  correlationId: 0x0011,
} as const;

/** Address family values as in the socket API (AF_INET, AF_INET6), which the spec uses. */
const AF_INET = 2;
const AF_INET6 = 10;
/** IANA protocol numbers: TLS and WebSocket ride on TCP. */
const IPPROTO_TCP = 6;
const IPPROTO_UDP = 17;
/** HEP protocol type 1 = SIP. */
const HEP_PROTOCOL_SIP = 1;

export interface HepMessage {
  source: Endpoint;
  destination: Endpoint;
  protocol: 'udp' | 'tcp';
  /** Wall-clock time of capture, ms since the Unix epoch (fraction allowed). */
  timeMs: number;
  captureAgentId: number;
  payload: Uint8Array;
  correlationId?: string;
}

function chunk(type: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(CHUNK_HEADER_BYTES + body.length);
  const view = new DataView(out.buffer);
  view.setUint16(0, GENERIC_VENDOR);
  view.setUint16(2, type);
  view.setUint16(4, out.length);
  out.set(body, CHUNK_HEADER_BYTES);
  return out;
}

const uint8 = (type: number, v: number): Uint8Array => chunk(type, Uint8Array.of(v));
const uint16 = (type: number, v: number): Uint8Array => chunk(type, Uint8Array.of(v >> 8, v & 0xff));
function uint32(type: number, v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0);
  return chunk(type, b);
}

function addressChunks(source: string, destination: string): Uint8Array[] | null {
  const [s4, d4] = [ipv4Bytes(source), ipv4Bytes(destination)];
  if (s4 && d4) return [uint8(HEP_CHUNK.ipFamily, AF_INET), chunk(HEP_CHUNK.ipv4Source, s4), chunk(HEP_CHUNK.ipv4Destination, d4)];
  const [s6, d6] = [ipv6Bytes(source), ipv6Bytes(destination)];
  if (s6 && d6) return [uint8(HEP_CHUNK.ipFamily, AF_INET6), chunk(HEP_CHUNK.ipv6Source, s6), chunk(HEP_CHUNK.ipv6Destination, d6)];
  return null;
}

/**
 * One HEP3 packet (network byte order throughout), or null when it cannot be one: addresses that
 * are not both IPv4 or both IPv6, or a packet longer than the 16-bit length field allows.
 */
export function encodeHep3(m: HepMessage): Uint8Array | null {
  const addresses = addressChunks(m.source.address, m.destination.address);
  if (!addresses) return null;
  const seconds = Math.floor(m.timeMs / 1000);
  const micros = Math.round((m.timeMs - seconds * 1000) * 1000);
  const chunks = [
    ...addresses.slice(0, 1),
    uint8(HEP_CHUNK.ipProtocol, m.protocol === 'udp' ? IPPROTO_UDP : IPPROTO_TCP),
    ...addresses.slice(1),
    uint16(HEP_CHUNK.sourcePort, m.source.port),
    uint16(HEP_CHUNK.destinationPort, m.destination.port),
    uint32(HEP_CHUNK.timestampSeconds, seconds),
    uint32(HEP_CHUNK.timestampMicroseconds, Math.min(micros, 999_999)),
    uint8(HEP_CHUNK.protocolType, HEP_PROTOCOL_SIP),
    uint32(HEP_CHUNK.captureAgentId, m.captureAgentId),
    ...(m.correlationId ? [chunk(HEP_CHUNK.correlationId, utf8(m.correlationId))] : []),
    chunk(HEP_CHUNK.payload, m.payload),
  ];
  const length = HEP3_MAGIC.length + 2 + chunks.reduce((n, c) => n + c.length, 0);
  if (length > MAX_HEP_PACKET_BYTES) return null;
  const header = Uint8Array.of(...HEP3_MAGIC, length >> 8, length & 0xff);
  return concatBytes([header, ...chunks]);
}

export interface HepPackets {
  packets: Uint8Array[];
  /** SIP messages of the trace that could not be encoded (no addresses, mixed families, too long). */
  skipped: number;
}

const isSipMessage = (e: TraceEvent): e is TraceEvent & { bytes: string } => (e.kind === 'sent' || e.kind === 'received') && e.bytes !== undefined;

/** Every traced SIP message of a run as HEP3 packets, in trace order (STUN and other binary payloads left out). */
export function resultToHep(result: CheckResult, captureAgentId: number): HepPackets {
  const start = Date.parse(result.startedAt) || 0;
  const transportOf = new Map(result.attempts.map((a) => [a.id, a.transport]));
  const packets: Uint8Array[] = [];
  let skipped = 0;
  for (const e of result.trace) {
    if (!isSipMessage(e)) continue;
    const payload = fromBase64(e.bytes);
    const parsed = parseMessage(payload);
    if (!parsed.ok && !parsed.message) continue; // not SIP (STUN, keep-alive CRLF): nothing Homer would show
    const packet =
      e.local && e.remote
        ? encodeHep3({
            source: e.kind === 'sent' ? e.local : e.remote,
            destination: e.kind === 'sent' ? e.remote : e.local,
            protocol: (e.transport ?? transportOf.get(e.attempt) ?? 'udp') === 'udp' ? 'udp' : 'tcp',
            timeMs: start + e.t,
            captureAgentId,
            payload,
            correlationId: parsed.message?.callId,
          })
        : null;
    if (packet) packets.push(packet);
    else skipped++;
  }
  return { packets, skipped };
}
