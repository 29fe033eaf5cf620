// SIP messages out of a capture, recognised by content on any port: UDP datagrams directly, TCP
// streams reassembled in sequence order and cut by the stream framer (RFC 3261 §18.3).
import { StreamFramer } from '../sip/framer.js';
import type { Endpoint } from '../model/trace.js';
import { fromUtf8Strict } from '../hash/utf8.js';
import { CaptureError, readCaptureFile } from './file.js';
import { PacketDecoder, type Segment } from './packets.js';

export interface CapturedMessage {
  /** Microseconds since the epoch. */
  ts: number;
  transport: 'udp' | 'tcp';
  src: Endpoint;
  dst: Endpoint;
  bytes: Uint8Array;
}

export interface CaptureSummary {
  messages: CapturedMessage[];
  packets: number;
  skipped: number;
}

/** Out-of-order TCP data kept per flow; beyond it the flow is given up (bounded memory). */
export const MAX_TCP_BUFFERED = 1 << 20;

const SIP_START = /^(?:SIP\/2\.0 \d{3}(?: [^\r\n]*)?|[A-Z][A-Z0-9_-]* [^ \r\n]+ SIP\/2\.0)\r?$/;

const SIP_VERSION = [83, 73, 80, 47, 50, 46, 48]; // "SIP/2.0"
const hasVersionAt = (b: Uint8Array, at: number): boolean => at >= 0 && SIP_VERSION.every((c, i) => b[at + i] === c);

/** Whether the payload starts with a SIP start line (checked on bytes: this runs for every packet). */
export function looksLikeSip(b: Uint8Array): boolean {
  if (b.length < 12) return false;
  if (hasVersionAt(b, 0)) return b[7] === 32 && b[8]! >= 49 && b[8]! <= 54; // "SIP/2.0 1xx".."6xx"
  const c = b[0]!;
  if (c < 65 || c > 90) return false; // methods are upper-case tokens
  let end = b.indexOf(10, 0);
  if (end < 0 || end > 2048) return false;
  if (b[end - 1] === 13) end--;
  return b[end - 8] === 32 && hasVersionAt(b, end - 7) && SIP_START.test(String.fromCharCode(...b.subarray(0, Math.min(end, 64))) + (end > 64 ? ' SIP/2.0' : ''));
}

interface Flow { next: number | null; ooo: Map<number, Uint8Array>; buffered: number; framer: StreamFramer; sip: boolean | null }

export class SipExtractor {
  private decoder = new PacketDecoder();
  private flows = new Map<string, Flow>();
  readonly messages: CapturedMessage[] = [];
  packets = 0;

  push(seg: Segment): void {
    if (seg.proto === 'udp') {
      // A view into the capture's buffer, not a copy: the file stays in memory while it is imported anyway.
      if (looksLikeSip(seg.payload)) this.messages.push({ ts: seg.ts, transport: 'udp', src: seg.src, dst: seg.dst, bytes: seg.payload });
      return;
    }
    const key = `${seg.src.address}|${seg.src.port}|${seg.dst.address}|${seg.dst.port}`;
    let f = this.flows.get(key);
    if (!f) {
      f = { next: null, ooo: new Map(), buffered: 0, framer: new StreamFramer(), sip: null };
      this.flows.set(key, f);
    }
    if (seg.syn) {
      f.next = (seg.seq! + 1) >>> 0;
      return;
    }
    if (f.sip === false || seg.payload.length === 0) return;
    if (f.next === null) f.next = seg.seq!;
    const rel = (seg.seq! - f.next) | 0; // wrap-safe distance
    if (rel < 0) {
      // Retransmission (possibly overlapping new data): keep only what is new.
      if (-rel >= seg.payload.length) return;
      this.feed(f, seg, seg.payload.subarray(-rel));
    } else if (rel > 0) {
      if ((f.buffered += seg.payload.length) > MAX_TCP_BUFFERED) return void (f.sip = false);
      f.ooo.set(seg.seq!, seg.payload.slice());
      return;
    } else this.feed(f, seg, seg.payload);
    for (let more = f.ooo.get(f.next!); more; more = f.ooo.get(f.next!)) {
      f.ooo.delete(f.next!);
      f.buffered -= more.length;
      this.feed(f, seg, more);
    }
  }

  private feed(f: Flow, seg: Segment, data: Uint8Array): void {
    f.next = (f.next! + data.length) >>> 0;
    if (f.sip === null) f.sip = looksLikeSip(data) || (data[0] === 13 || data[0] === 10);
    if (!f.sip) return;
    for (const ev of f.framer.push(data)) {
      if (ev.type === 'message') this.messages.push({ ts: seg.ts, transport: 'tcp', src: seg.src, dst: seg.dst, bytes: ev.bytes });
      else if (ev.type === 'error') f.sip = false;
    }
  }

  /** Reads a whole pcap/pcapng file. */
  static fromFile(bytes: Uint8Array): CaptureSummary {
    const x = new SipExtractor();
    for (const p of readCaptureFile(bytes)) {
      x.packets++;
      const seg = x.decoder.decode(p);
      if (seg) x.push(seg);
    }
    return { messages: x.messages, packets: x.packets, skipped: x.decoder.skipped };
  }
}

/**
 * `ngrep -W byline` text (as in field story 000): a header line per packet
 * ("U 2013/07/19 22:17:34.920749 192.0.2.4:5060 -> 198.51.100.7:5060"), then the message, each
 * line ending in "." where ngrep printed the CR.
 */
export function parseNgrep(text: string): CapturedMessage[] {
  const out: CapturedMessage[] = [];
  const header = /^([UT]) (\d{4})\/(\d\d)\/(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{1,6}) (\[?[0-9a-fA-F:.]+\]?):(\d+) -> (\[?[0-9a-fA-F:.]+\]?):(\d+)/;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const m = header.exec(lines[i]!);
    if (!m) continue;
    const body: string[] = [];
    for (i++; i < lines.length && !header.test(lines[i]!) && lines[i] !== '#' && !/^#+\s*$/.test(lines[i]!); i++) body.push(lines[i]!.replace(/\.$/, ''));
    i--;
    while (body.length && body[body.length - 1] === '') body.pop();
    const msg = body.join('\r\n') + '\r\n\r\n';
    const ts = Date.UTC(+m[2]!, +m[3]! - 1, +m[4]!, +m[5]!, +m[6]!, +m[7]!) * 1000 + Number(m[8]!.padEnd(6, '0'));
    const bytes = new TextEncoder().encode(msg.replace(/\r\n\r\n\r\n\r\n$/, '\r\n\r\n'));
    if (looksLikeSip(bytes)) {
      out.push({ ts, transport: m[1] === 'U' ? 'udp' : 'tcp', src: { address: m[9]!.replace(/[[\]]/g, ''), port: +m[10]! }, dst: { address: m[11]!.replace(/[[\]]/g, ''), port: +m[12]! }, bytes });
    }
  }
  return out;
}

const CAPTURE_MAGICS = [0x0a0d0d0a, 0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1];

/** Any supported capture: pcap/pcapng by magic number, else `ngrep -W byline` text. */
export function readCapture(bytes: Uint8Array): CaptureSummary & { format: 'pcap' | 'ngrep' } {
  const magic = bytes.length >= 4 ? new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true) : 0;
  if (CAPTURE_MAGICS.includes(magic)) return { ...SipExtractor.fromFile(bytes), format: 'pcap' };
  const text = fromUtf8Strict(bytes);
  const messages = text === null ? [] : parseNgrep(text);
  if (!messages.length) throw new CaptureError('not a pcap or pcapng file, and no ngrep "-W byline" SIP packets found in it');
  return { messages, packets: 0, skipped: 0, format: 'ngrep' };
}
