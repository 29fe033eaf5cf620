// Capture files: libpcap (µs and ns magic, both byte orders) and pcapng (SHB, IDB, EPB, SPB).
// Untrusted input: every length is checked against the data; errors say what and where.

export interface RawPacket {
  /** Microseconds since the epoch. */
  ts: number;
  linktype: number;
  data: Uint8Array;
}

export class CaptureError extends Error {}

/** Largest packet record accepted (jumbo frames plus headroom). */
export const MAX_PACKET_BYTES = 262_144;

export function readCaptureFile(b: Uint8Array): RawPacket[] {
  if (b.length < 24) throw new CaptureError('file too short to be a capture');
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const magicLE = v.getUint32(0, true);
  if (magicLE === 0x0a0d0d0a) return readPcapng(b, v);
  const formats: Record<number, { le: boolean; nanos: boolean }> = {
    0xa1b2c3d4: { le: true, nanos: false }, 0xd4c3b2a1: { le: false, nanos: false }, 0xa1b23c4d: { le: true, nanos: true }, 0x4d3cb2a1: { le: false, nanos: true },
  };
  const f = formats[magicLE];
  if (!f) throw new CaptureError(`not a pcap or pcapng file (magic 0x${magicLE.toString(16)})`);
  const linktype = v.getUint32(20, f.le) & 0x0fffffff;
  const out: RawPacket[] = [];
  for (let pos = 24; pos < b.length;) {
    if (pos + 16 > b.length) throw new CaptureError(`truncated packet header at byte ${pos}`);
    const sec = v.getUint32(pos, f.le);
    const frac = v.getUint32(pos + 4, f.le);
    const caplen = v.getUint32(pos + 8, f.le);
    if (caplen > MAX_PACKET_BYTES) throw new CaptureError(`packet at byte ${pos} claims ${caplen} bytes (at most ${MAX_PACKET_BYTES})`);
    if (pos + 16 + caplen > b.length) throw new CaptureError(`truncated packet at byte ${pos}`);
    out.push({ ts: sec * 1e6 + (f.nanos ? frac / 1000 : frac), linktype, data: b.subarray(pos + 16, pos + 16 + caplen) });
    pos += 16 + caplen;
  }
  return out;
}

function readPcapng(b: Uint8Array, v: DataView): RawPacket[] {
  const out: RawPacket[] = [];
  let le = true;
  let ifaces: Array<{ linktype: number; unitsPerSecond: number }> = [];
  for (let pos = 0; pos < b.length;) {
    if (pos + 12 > b.length) throw new CaptureError(`truncated block at byte ${pos}`);
    const type = v.getUint32(pos, le);
    if (type === 0x0a0d0d0a) {
      const bom = v.getUint32(pos + 8, true);
      if (bom === 0x1a2b3c4d) le = true;
      else if (bom === 0x4d3c2b1a) le = false;
      else throw new CaptureError(`bad byte-order magic at byte ${pos}`);
      ifaces = [];
    }
    const len = v.getUint32(pos + 4, le);
    if (len < 12 || len % 4 !== 0 || pos + len > b.length) throw new CaptureError(`bad block length ${len} at byte ${pos}`);
    const body = b.subarray(pos + 8, pos + len - 4);
    const bv = new DataView(body.buffer, body.byteOffset, body.byteLength);
    if (type === 0x00000001) {
      let unitsPerSecond = 1e6;
      // Options start after linktype(2) reserved(2) snaplen(4); look for if_tsresol (code 9).
      for (let o = 8; o + 4 <= body.length;) {
        const code = bv.getUint16(o, le);
        const olen = bv.getUint16(o + 2, le);
        if (code === 0) break;
        if (code === 9 && olen >= 1) {
          const r = body[o + 4]!;
          unitsPerSecond = r & 0x80 ? 2 ** (r & 0x7f) : 10 ** r;
        }
        o += 4 + ((olen + 3) & ~3);
      }
      ifaces.push({ linktype: bv.getUint16(0, le), unitsPerSecond });
    } else if (type === 0x00000006) {
      if (body.length < 20) throw new CaptureError(`truncated packet block at byte ${pos}`);
      const iface = ifaces[bv.getUint32(0, le)];
      if (!iface) throw new CaptureError(`packet at byte ${pos} refers to an unknown interface`);
      const units = bv.getUint32(4, le) * 2 ** 32 + bv.getUint32(8, le);
      const caplen = bv.getUint32(12, le);
      if (caplen > MAX_PACKET_BYTES || 20 + caplen > body.length) throw new CaptureError(`packet at byte ${pos} has a bad length ${caplen}`);
      out.push({ ts: (units / iface.unitsPerSecond) * 1e6, linktype: iface.linktype, data: body.subarray(20, 20 + caplen) });
    } else if (type === 0x00000003) {
      const iface = ifaces[0];
      if (!iface) throw new CaptureError(`simple packet at byte ${pos} without an interface`);
      const orig = bv.getUint32(0, le);
      out.push({ ts: 0, linktype: iface.linktype, data: body.subarray(4, 4 + Math.min(orig, body.length - 4)) });
    }
    pos += len;
  }
  return out;
}
