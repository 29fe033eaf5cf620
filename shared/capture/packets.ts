// From link-layer frames to transport payloads: Ethernet (with VLAN tags), Linux cooked capture v1
// and v2, raw IP; IPv4 and IPv6 with fragment reassembly; UDP datagrams and TCP segments.
import type { RawPacket } from './file.js';

export interface Segment {
  ts: number;
  proto: 'udp' | 'tcp';
  src: { address: string; port: number };
  dst: { address: string; port: number };
  payload: Uint8Array;
  /** TCP only. */
  seq?: number;
  syn?: boolean;
}

const LINKTYPE = { ETHERNET: 1, RAW: 101, LINUX_SLL: 113, LINUX_SLL2: 276, IPV4: 228, IPV6: 229, RAW_BSD: 12, RAW_OPENBSD: 14 } as const;
/** Fragments kept waiting for their datagram at once; older ones are dropped (bounded memory). */
export const MAX_PENDING_DATAGRAMS = 1024;

const ipv4Text = (b: Uint8Array): string => `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
function ipv6Text(b: Uint8Array): string {
  const g: string[] = [];
  for (let i = 0; i < 16; i += 2) g.push(((b[i]! << 8) | b[i + 1]!).toString(16));
  return g.join(':').replace(/(^|:)0(:0)+(:|$)/, '::').replace(/:{3,}/, '::');
}

/** The IP packet inside a frame, or null for other protocols. */
function ipOf(p: RawPacket): Uint8Array | null {
  const d = p.data;
  const etherType = (off: number): Uint8Array | null => {
    let o = off;
    let t = (d[o] ?? 0) << 8 | (d[o + 1] ?? 0);
    while (t === 0x8100 || t === 0x88a8) { o += 4; t = (d[o] ?? 0) << 8 | (d[o + 1] ?? 0); }
    return t === 0x0800 || t === 0x86dd ? d.subarray(o + 2) : null;
  };
  switch (p.linktype) {
    case LINKTYPE.ETHERNET: return d.length > 14 ? etherType(12) : null;
    case LINKTYPE.LINUX_SLL: return d.length > 16 ? etherType(14) : null;
    case LINKTYPE.LINUX_SLL2: {
      const t = (d[0]! << 8) | d[1]!;
      return t === 0x0800 || t === 0x86dd ? d.subarray(20) : null;
    }
    case LINKTYPE.RAW: case LINKTYPE.IPV4: case LINKTYPE.IPV6: case LINKTYPE.RAW_BSD: case LINKTYPE.RAW_OPENBSD: return d;
    default: return null;
  }
}

interface Pending { parts: Array<{ off: number; data: Uint8Array }>; total: number | null; proto: number; src: string; dst: string }

/** Distinct endpoints remembered for reuse; captures repeat the same few (less garbage per packet). */
const MAX_INTERNED = 65_536;

export class PacketDecoder {
  private pending = new Map<string, Pending>();
  private endpoints = new Map<string, { address: string; port: number }>();
  private v4 = new Map<number, string>();

  private endpoint(address: string, port: number): { address: string; port: number } {
    const k = `${address}|${port}`;
    let e = this.endpoints.get(k);
    if (!e) {
      e = { address, port };
      if (this.endpoints.size < MAX_INTERNED) this.endpoints.set(k, e);
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
        const whole = this.reassemble(`${src}|${dst}|${(ip[4]! << 8) | ip[5]!}|${proto}`, proto, src, dst, offset, more, payload);
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
        const whole = this.reassemble(`${src}|${dst}|${frag.id}|6`, proto, src, dst, frag.offset, frag.more, payload);
        if (!whole) return null;
        payload = whole;
      }
    } else return this.skip();
    if (proto === 17 && payload.length >= 8) {
      return { ts: p.ts, proto: 'udp', src: this.endpoint(src, (payload[0]! << 8) | payload[1]!), dst: this.endpoint(dst, (payload[2]! << 8) | payload[3]!), payload: payload.subarray(8) };
    }
    if (proto === 6 && payload.length >= 20) {
      const off = (payload[12]! >> 4) * 4;
      if (off < 20 || off > payload.length) return this.skip();
      return {
        ts: p.ts, proto: 'tcp', src: this.endpoint(src, (payload[0]! << 8) | payload[1]!), dst: this.endpoint(dst, (payload[2]! << 8) | payload[3]!),
        payload: payload.subarray(off), seq: new DataView(payload.buffer, payload.byteOffset + 4, 4).getUint32(0), syn: (payload[13]! & 0x02) !== 0,
      };
    }
    return this.skip();
  }

  private skip(): null {
    this.skipped++;
    return null;
  }

  /** Collects fragments (RFC 791 §3.2); returns the whole payload once every byte is there. */
  private reassemble(key: string, proto: number, src: string, dst: string, offset: number, more: boolean, data: Uint8Array): Uint8Array | null {
    let p = this.pending.get(key);
    if (!p) {
      if (this.pending.size >= MAX_PENDING_DATAGRAMS) this.pending.delete(this.pending.keys().next().value!);
      p = { parts: [], total: null, proto, src, dst };
      this.pending.set(key, p);
    }
    if (offset + data.length > 65_535) return null;
    p.parts.push({ off: offset, data });
    if (!more) p.total = offset + data.length;
    if (p.total === null) return null;
    const have = new Uint8Array(p.total);
    let covered = 0;
    for (const part of [...p.parts].sort((a, b) => a.off - b.off)) {
      if (part.off > covered) return null; // a hole
      have.set(part.data.subarray(0, Math.max(0, p.total - part.off)), part.off);
      covered = Math.max(covered, part.off + part.data.length);
    }
    if (covered < p.total) return null;
    this.pending.delete(key);
    return have;
  }
}
