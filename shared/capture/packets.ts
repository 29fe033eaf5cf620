// From link-layer frames to transport payloads: Ethernet (with VLAN tags), Linux cooked capture v1
// and v2, raw IP; IPv4 and IPv6 with fragment reassembly; UDP datagrams and TCP segments.
import type { RawPacket } from './file.js';

export interface Segment {
  ts: number;
  proto: 'udp' | 'tcp';
  src: { address: string; port: number };
  dst: { address: string; port: number };
  payload: Uint8Array;
  /** Byte offset of `payload` in the file; undefined when it was put together from fragments. */
  payloadOffset?: number;
  /** TCP only. */
  seq?: number;
  syn?: boolean;
  /** TCP FIN or RST: the flow ends. */
  fin?: boolean;
}

const LINKTYPE = { ETHERNET: 1, RAW: 101, LINUX_SLL: 113, LINUX_SLL2: 276, IPV4: 228, IPV6: 229, RAW_BSD: 12, RAW_OPENBSD: 14 } as const;
/** Fragments kept waiting for their datagram at once; older ones are dropped (bounded memory). */
export const MAX_PENDING_DATAGRAMS = 1024;

const ipv4Text = (b: Uint8Array): string => `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
function ipv6Text(b: Uint8Array): string {
  const g: string[] = [];
  for (let i = 0; i < 16; i += 2) g.push(((b[i]! << 8) | b[i + 1]!).toString(16));
  return g
    .join(':')
    .replace(/(^|:)0(:0)+(:|$)/, '::')
    .replace(/:{3,}/, '::');
}

/** The IP packet inside a frame, or null for other protocols. */
function ipOf(p: RawPacket): Uint8Array | null {
  const d = p.data;
  const etherType = (off: number): Uint8Array | null => {
    let o = off;
    let t = ((d[o] ?? 0) << 8) | (d[o + 1] ?? 0);
    while (t === 0x8100 || t === 0x88a8) {
      o += 4;
      t = ((d[o] ?? 0) << 8) | (d[o + 1] ?? 0);
    }
    return t === 0x0800 || t === 0x86dd ? d.subarray(o + 2) : null;
  };
  switch (p.linktype) {
    case LINKTYPE.ETHERNET:
      return d.length > 14 ? etherType(12) : null;
    case LINKTYPE.LINUX_SLL:
      return d.length > 16 ? etherType(14) : null;
    case LINKTYPE.LINUX_SLL2: {
      const t = (d[0]! << 8) | d[1]!;
      return t === 0x0800 || t === 0x86dd ? d.subarray(20) : null;
    }
    case LINKTYPE.RAW:
    case LINKTYPE.IPV4:
    case LINKTYPE.IPV6:
    case LINKTYPE.RAW_BSD:
    case LINKTYPE.RAW_OPENBSD:
      return d;
    default:
      return null;
  }
}

interface Fragment {
  off: number;
  data: Uint8Array;
}
interface Pending {
  parts: Fragment[];
  total: number | null;
  received: number;
}

/** Fragments one datagram may have: 64 KB at the 576-byte IPv4 minimum MTU is about 120. */
export const MAX_FRAGMENTS_PER_DATAGRAM = 128;
/** Bytes held in fragments waiting for the rest of their datagram, all datagrams together. */
export const MAX_PENDING_FRAGMENT_BYTES = 8 * 1024 * 1024;
const MAX_DATAGRAM_BYTES = 65_535;

/** What the decoder left out, by reason (reported with the import, never silent). */
export interface FragmentDrops {
  /** Datagrams whose fragments overlap (RFC 5722 for IPv6; a classic evasion for IPv4). */
  overlapping: number;
  /** Datagrams with more than MAX_FRAGMENTS_PER_DATAGRAM fragments. */
  tooManyFragments: number;
  /** Datagrams that would exceed 65,535 bytes. */
  oversized: number;
  /** Incomplete datagrams given up to stay within MAX_PENDING_DATAGRAMS / MAX_PENDING_FRAGMENT_BYTES. */
  evicted: number;
  /** Incomplete datagrams still waiting when the capture ended. */
  incomplete: number;
}
export const NO_FRAGMENT_DROPS: Readonly<FragmentDrops> = { overlapping: 0, tooManyFragments: 0, oversized: 0, evicted: 0, incomplete: 0 };

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Distinct endpoints remembered for reuse; captures repeat the same few (less garbage per packet). */
const MAX_INTERNED = 65_536;

export class PacketDecoder {
  private pending = new Map<string, Pending>();
  private pendingBytes = 0;
  private fragmentDrops: FragmentDrops = { ...NO_FRAGMENT_DROPS };
  /** Interned endpoints by address, then port: no key string is built per packet. */
  private endpoints = new Map<string, Map<number, { address: string; port: number }>>();
  private interned = 0;
  private v4 = new Map<number, string>();

  private endpoint(address: string, port: number): { address: string; port: number } {
    let byPort = this.endpoints.get(address);
    let e = byPort?.get(port);
    if (!e) {
      e = { address, port };
      if (this.interned < MAX_INTERNED) {
        if (!byPort) this.endpoints.set(address, (byPort = new Map()));
        byPort.set(port, e);
        this.interned++;
      }
    }
    return e;
  }

  private ipv4(b: Uint8Array, at: number): string {
    const n = ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
    let t = this.v4.get(n);
    if (t === undefined) {
      t = ipv4Text(b.subarray(at, at + 4));
      if (this.v4.size < MAX_INTERNED) this.v4.set(n, t);
    }
    return t;
  }
  /** Frames that were not IP/UDP/TCP, or malformed. */
  skipped = 0;

  decode(p: RawPacket): Segment | null {
    const ip = ipOf(p);
    if (!ip || ip.length < 20) return this.skip();
    const version = ip[0]! >> 4;
    let proto: number, src: string, dst: string, payload: Uint8Array;
    if (version === 4) {
      const ihl = (ip[0]! & 0x0f) * 4;
      const total = Math.min((ip[2]! << 8) | ip[3]!, ip.length);
      if (ihl < 20 || total < ihl) return this.skip();
      proto = ip[9]!;
      src = this.ipv4(ip, 12);
      dst = this.ipv4(ip, 16);
      payload = ip.subarray(ihl, total);
      const flags = (ip[6]! << 8) | ip[7]!;
      const more = (flags & 0x2000) !== 0;
      const offset = (flags & 0x1fff) * 8;
      if (more || offset) {
        const whole = this.reassemble(`${src}|${dst}|${(ip[4]! << 8) | ip[5]!}|${proto}`, offset, more, payload);
        if (!whole) return null;
        payload = whole;
      }
    } else if (version === 6) {
      if (ip.length < 40) return this.skip();
      src = ipv6Text(ip.subarray(8, 24));
      dst = ipv6Text(ip.subarray(24, 40));
      let next = ip[6]!;
      let o = 40;
      let frag: { offset: number; more: boolean; id: number } | null = null;
      // Extension headers (RFC 8200 §4): hop-by-hop, routing, destination options, fragment.
      while ([0, 43, 60, 44].includes(next) && o + 8 <= ip.length) {
        if (next === 44) {
          const fo = (ip[o + 2]! << 8) | ip[o + 3]!;
          frag = { offset: fo & 0xfff8, more: (fo & 1) === 1, id: new DataView(ip.buffer, ip.byteOffset + o + 4, 4).getUint32(0) };
          next = ip[o]!;
          o += 8;
        } else {
          next = ip[o]!;
          o += (ip[o + 1]! + 1) * 8;
        }
      }
      proto = next;
      payload = ip.subarray(o, Math.min(ip.length, 40 + ((ip[4]! << 8) | ip[5]!)));
      if (frag && (frag.more || frag.offset)) {
        const whole = this.reassemble(`${src}|${dst}|${frag.id}|6`, frag.offset, frag.more, payload);
        if (!whole) return null;
        payload = whole;
      }
    } else return this.skip();
    // A payload still inside the packet's own bytes can be read back from the file later.
    const inFile = payload.buffer === p.data.buffer ? p.dataOffset + payload.byteOffset - p.data.byteOffset : undefined;
    if (proto === 17 && payload.length >= 8) {
      return {
        ts: p.ts,
        proto: 'udp',
        src: this.endpoint(src, (payload[0]! << 8) | payload[1]!),
        dst: this.endpoint(dst, (payload[2]! << 8) | payload[3]!),
        payload: payload.subarray(8),
        payloadOffset: inFile === undefined ? undefined : inFile + 8,
      };
    }
    if (proto === 6 && payload.length >= 20) {
      const off = (payload[12]! >> 4) * 4;
      if (off < 20 || off > payload.length) return this.skip();
      return {
        ts: p.ts,
        proto: 'tcp',
        src: this.endpoint(src, (payload[0]! << 8) | payload[1]!),
        dst: this.endpoint(dst, (payload[2]! << 8) | payload[3]!),
        payload: payload.subarray(off),
        seq: new DataView(payload.buffer, payload.byteOffset + 4, 4).getUint32(0),
        syn: (payload[13]! & 0x02) !== 0,
        fin: (payload[13]! & 0x05) !== 0,
      };
    }
    return this.skip();
  }

  private skip(): null {
    this.skipped++;
    return null;
  }

  /**
   * Collects fragments (RFC 791 §3.2, RFC 8200 §4.5). Each fragment is checked against the others
   * of its datagram once (≤ MAX_FRAGMENTS_PER_DATAGRAM), and the datagram is copied together once,
   * when its bytes are all there: linear in the fragments' bytes.
   */
  private reassemble(key: string, offset: number, more: boolean, data: Uint8Array): Uint8Array | null {
    let p = this.pending.get(key);
    if (!p) {
      p = { parts: [], total: null, received: 0 };
      this.pending.set(key, p);
    }
    const end = offset + data.length;
    if (end > MAX_DATAGRAM_BYTES) return this.dropDatagram(key, p, 'oversized');
    if (!more) {
      if (p.total !== null && p.total !== end) return this.dropDatagram(key, p, 'overlapping');
      if (p.parts.some((q) => q.off + q.data.length > end)) return this.dropDatagram(key, p, 'overlapping');
      p.total = end;
    }
    if (p.total !== null && end > p.total) return this.dropDatagram(key, p, 'overlapping');
    for (const q of p.parts) {
      if (q.off === offset && q.data.length === data.length && sameBytes(q.data, data)) return null; // the same fragment captured twice
      if (offset < q.off + q.data.length && q.off < end) return this.dropDatagram(key, p, 'overlapping');
    }
    if (p.parts.length >= MAX_FRAGMENTS_PER_DATAGRAM) return this.dropDatagram(key, p, 'tooManyFragments');
    // A copy: the packet's bytes belong to a chunk of the file that is released after it is read.
    p.parts.push({ off: offset, data: data.slice() });
    p.received += data.length;
    this.pendingBytes += data.length;
    if (p.total === null || p.received < p.total) return this.evictBeyondBounds();
    // No overlaps and every byte received: the parts tile [0, total) exactly.
    const whole = new Uint8Array(p.total);
    for (const part of p.parts) whole.set(part.data, part.off);
    this.forget(key, p);
    return whole;
  }

  private dropDatagram(key: string, p: Pending, reason: keyof FragmentDrops): null {
    this.fragmentDrops[reason]++;
    this.forget(key, p);
    return null;
  }

  private forget(key: string, p: Pending): void {
    this.pendingBytes -= p.received;
    this.pending.delete(key);
  }

  /** Oldest incomplete datagrams go first (Map order is insertion order). */
  private evictBeyondBounds(): null {
    while (this.pending.size > MAX_PENDING_DATAGRAMS || this.pendingBytes > MAX_PENDING_FRAGMENT_BYTES) {
      const [key, p] = this.pending.entries().next().value!;
      this.dropDatagram(key, p, 'evicted');
    }
    return null;
  }

  /** Drop counts, with the datagrams still incomplete at this point counted as such. */
  drops(): FragmentDrops {
    return { ...this.fragmentDrops, incomplete: this.pending.size };
  }
}
