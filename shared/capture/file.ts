// Capture files: libpcap (µs and ns magic, both byte orders) and pcapng (SHB, IDB, EPB, SPB), read
// as a stream of chunks: only an unfinished record is kept between chunks, never the whole file.
// Untrusted input: every length is checked against the data; every error is a CaptureError that
// says what and at which byte of the file.

export interface RawPacket {
  /** Microseconds since the epoch. */
  ts: number;
  linktype: number;
  /** A view into the chunk being read: copy what must outlive the `emit` call. */
  data: Uint8Array;
  /** Byte offset of the packet's record in the file (for error messages). */
  offset: number;
  /** Byte offset of `data` in the file (a message can be read back from the file instead of kept). */
  dataOffset: number;
}

export class CaptureError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at byte ${offset}`);
    this.name = 'CaptureError';
  }
}

/** Largest packet record accepted (jumbo frames plus headroom). */
export const MAX_PACKET_BYTES = 262_144;
/** Largest pcapng block of any kind (packet blocks are bounded by MAX_PACKET_BYTES as well). */
export const MAX_BLOCK_BYTES = 4 * 1024 * 1024;
/** Interfaces one pcapng section may describe (each costs memory for the whole import). */
export const MAX_INTERFACES = 4096;

const PCAP_HEADER_BYTES = 24;
const PCAP_RECORD_HEADER_BYTES = 16;
const PCAPNG_SHB = 0x0a0d0d0a;
/** A pcapng block's body follows its type and total length (draft §3.1). */
const PCAPNG_BODY_OFFSET = 8;
const PCAP_FORMATS: Record<number, { le: boolean; nanos: boolean }> = {
  0xa1b2c3d4: { le: true, nanos: false },
  0xd4c3b2a1: { le: false, nanos: false },
  0xa1b23c4d: { le: true, nanos: true },
  0x4d3cb2a1: { le: false, nanos: true },
};

/** Whether the first bytes are a pcap or pcapng magic number. */
export function isCaptureMagic(b: Uint8Array): boolean {
  if (b.length < 4) return false;
  const magic = new DataView(b.buffer, b.byteOffset, 4).getUint32(0, true);
  return magic === PCAPNG_SHB || magic in PCAP_FORMATS;
}

type Format =
  | { kind: 'pcap'; le: boolean; nanos: boolean; linktype: number }
  | { kind: 'pcapng'; le: boolean; ifaces: Array<{ linktype: number; unitsPerSecond: number }> };

/**
 * Push-based reader: `push` chunks in file order, then `end`. Packets go to `emit` as they are
 * complete, as views into the chunk; the chunk may be reused once `push` returns.
 */
export class CaptureFileReader {
  private rest: Uint8Array = new Uint8Array(0);
  /** File offset of rest[0]. */
  private base = 0;
  private format: Format | null = null;
  packets = 0;
  /** Bytes at the end in a record the file cuts short (a capture copied while it was written, a killed tcpdump). */
  cutShortBytes = 0;

  constructor(private readonly emit: (p: RawPacket) => void) {}

  push(chunk: Uint8Array): void {
    let buf = chunk;
    if (this.rest.length) {
      // Only an unfinished record is carried over (≤ MAX_BLOCK_BYTES), so copying it is bounded.
      buf = new Uint8Array(this.rest.length + chunk.length);
      buf.set(this.rest);
      buf.set(chunk, this.rest.length);
    }
    const used = this.consume(buf, new DataView(buf.buffer, buf.byteOffset, buf.byteLength));
    // The caller may reuse its chunk's memory for the next read: keep a copy of an unfinished record.
    this.rest = buf === chunk ? buf.slice(used) : buf.subarray(used);
    this.base += used;
  }

  /**
   * The file ended. A last record it cuts short is counted, not an error: the packets before it are
   * whole and are what the user needs (tshark reads them too, and warns).
   */
  end(): void {
    if (!this.format)
      throw new CaptureError(this.base + this.rest.length < PCAP_HEADER_BYTES ? 'file too short to be a capture' : 'not a pcap or pcapng file', 0);
    this.cutShortBytes = this.rest.length;
  }

  /** Reads every complete record of `b`; returns how many bytes were used. */
  private consume(b: Uint8Array, v: DataView): number {
    let pos = 0;
    if (!this.format) {
      if (b.length < PCAP_HEADER_BYTES) return 0;
      const magic = v.getUint32(0, true);
      const f = PCAP_FORMATS[magic];
      if (magic === PCAPNG_SHB) this.format = { kind: 'pcapng', le: true, ifaces: [] };
      else if (f) {
        this.format = { kind: 'pcap', ...f, linktype: v.getUint32(20, f.le) & 0x0fffffff };
        pos = PCAP_HEADER_BYTES;
      } else throw new CaptureError(`not a pcap or pcapng file (magic 0x${magic.toString(16)})`, 0);
    }
    const format = this.format;
    for (;;) {
      const used = format.kind === 'pcap' ? this.pcapRecord(b, v, pos, format) : this.pcapngBlock(b, v, pos, format);
      if (used === 0) return pos;
      pos += used;
    }
  }

  private pcapRecord(b: Uint8Array, v: DataView, pos: number, f: Extract<Format, { kind: 'pcap' }>): number {
    if (pos + PCAP_RECORD_HEADER_BYTES > b.length) return 0;
    const caplen = v.getUint32(pos + 8, f.le);
    if (caplen > MAX_PACKET_BYTES) throw new CaptureError(`packet claims ${caplen} bytes (at most ${MAX_PACKET_BYTES})`, this.base + pos);
    const end = pos + PCAP_RECORD_HEADER_BYTES + caplen;
    if (end > b.length) return 0;
    const sec = v.getUint32(pos, f.le);
    const frac = v.getUint32(pos + 4, f.le);
    this.packets++;
    this.emit({
      ts: sec * 1e6 + (f.nanos ? frac / 1000 : frac),
      linktype: f.linktype,
      data: b.subarray(pos + PCAP_RECORD_HEADER_BYTES, end),
      offset: this.base + pos,
      dataOffset: this.base + pos + PCAP_RECORD_HEADER_BYTES,
    });
    return end - pos;
  }

  /** One block (pcapng draft §3.1: type, total length, body, total length again). */
  private pcapngBlock(b: Uint8Array, v: DataView, pos: number, f: Extract<Format, { kind: 'pcapng' }>): number {
    if (pos + 12 > b.length) return 0;
    const at = this.base + pos;
    let type = v.getUint32(pos, f.le);
    if (v.getUint32(pos, true) === PCAPNG_SHB) {
      // A new section may change the byte order; interfaces are per section (§4.1).
      const bom = v.getUint32(pos + 8, true);
      if (bom === 0x1a2b3c4d) f.le = true;
      else if (bom === 0x4d3c2b1a) f.le = false;
      else throw new CaptureError('bad byte-order magic', at);
      type = PCAPNG_SHB;
      f.ifaces = [];
    }
    const len = v.getUint32(pos + 4, f.le);
    if (len < 12 || len % 4 !== 0 || len > MAX_BLOCK_BYTES) throw new CaptureError(`bad block length ${len}`, at);
    if (pos + len > b.length) return 0;
    if (v.getUint32(pos + len - 4, f.le) !== len) throw new CaptureError('block lengths disagree', at);
    const body = b.subarray(pos + PCAPNG_BODY_OFFSET, pos + len - 4);
    const bv = new DataView(body.buffer, body.byteOffset, body.byteLength);
    if (type === 0x00000001) this.interfaceBlock(body, bv, f, at);
    else if (type === 0x00000006) this.enhancedPacket(body, bv, f, at);
    else if (type === 0x00000003) this.simplePacket(body, bv, f, at);
    return len;
  }

  private interfaceBlock(body: Uint8Array, bv: DataView, f: Extract<Format, { kind: 'pcapng' }>, at: number): void {
    if (body.length < 8) throw new CaptureError(`interface block of ${body.length + 12} bytes is too short`, at);
    if (f.ifaces.length >= MAX_INTERFACES) throw new CaptureError(`more than ${MAX_INTERFACES} interfaces`, at);
    let unitsPerSecond = 1e6;
    // Options start after linktype(2) reserved(2) snaplen(4); look for if_tsresol (code 9).
    for (let o = 8; o + 4 <= body.length;) {
      const code = bv.getUint16(o, f.le);
      const olen = bv.getUint16(o + 2, f.le);
      if (code === 0) break;
      if (code === 9 && olen >= 1 && o + 4 < body.length) {
        const r = body[o + 4]!;
        unitsPerSecond = r & 0x80 ? 2 ** (r & 0x7f) : 10 ** r;
      }
      o += 4 + ((olen + 3) & ~3);
    }
    f.ifaces.push({ linktype: bv.getUint16(0, f.le), unitsPerSecond });
  }

  private enhancedPacket(body: Uint8Array, bv: DataView, f: Extract<Format, { kind: 'pcapng' }>, at: number): void {
    if (body.length < 20) throw new CaptureError('truncated packet block', at);
    const iface = f.ifaces[bv.getUint32(0, f.le)];
    if (!iface) throw new CaptureError('packet refers to an unknown interface', at);
    const units = bv.getUint32(4, f.le) * 2 ** 32 + bv.getUint32(8, f.le);
    const caplen = bv.getUint32(12, f.le);
    if (caplen > MAX_PACKET_BYTES || 20 + caplen > body.length) throw new CaptureError(`packet block has a bad length ${caplen}`, at);
    this.packets++;
    this.emit({
      ts: (units / iface.unitsPerSecond) * 1e6,
      linktype: iface.linktype,
      data: body.subarray(20, 20 + caplen),
      offset: at,
      dataOffset: at + PCAPNG_BODY_OFFSET + 20,
    });
  }

  private simplePacket(body: Uint8Array, bv: DataView, f: Extract<Format, { kind: 'pcapng' }>, at: number): void {
    const iface = f.ifaces[0];
    if (!iface) throw new CaptureError('simple packet without an interface', at);
    if (body.length < 4) throw new CaptureError(`simple packet block of ${body.length + 12} bytes is too short`, at);
    const orig = bv.getUint32(0, f.le);
    this.packets++;
    this.emit({
      ts: 0,
      linktype: iface.linktype,
      data: body.subarray(4, 4 + Math.min(orig, body.length - 4, MAX_PACKET_BYTES)),
      offset: at,
      dataOffset: at + PCAPNG_BODY_OFFSET + 4,
    });
  }
}
