// SIP messages out of a capture, recognised by content on any port: UDP datagrams directly, TCP
// streams reassembled in sequence order and cut by the stream framer (RFC 3261 §18.3).
import { StreamFramer } from '../sip/framer.js';
import type { Endpoint } from '../model/trace.js';
import { concatBytes } from '../hash/utf8.js';
import { hasVersionAt } from './brief.js';
import type { RawPacket } from './file.js';
import { PacketDecoder, type FragmentDrops, type Segment } from './packets.js';

export interface CapturedMessage {
  /** Microseconds since the epoch. */
  ts: number;
  transport: 'udp' | 'tcp';
  src: Endpoint;
  dst: Endpoint;
  bytes: Uint8Array;
  /** Where `bytes` are in the capture file, when they are there as one piece (UDP, not fragmented). */
  fileOffset?: number;
}

/** What the reader could not use, by reason: shown with the import so nothing is lost silently. */
export interface CaptureDrops {
  fragments: FragmentDrops;
  tcp: TcpDrops;
  /** Bytes at the end of the file in a record it cuts short. */
  cutShortBytes: number;
}

/** Out-of-order TCP data kept per flow; beyond it the flow is given up (bounded memory). */
export const MAX_TCP_BUFFERED = 1 << 20;

/** Whether the payload starts with a SIP start line (checked on bytes: this runs for every packet). */
export function looksLikeSip(b: Uint8Array): boolean {
  if (b.length < 12) return false;
  if (hasVersionAt(b, 0)) return b[7] === 32 && b[8]! >= 49 && b[8]! <= 54; // "SIP/2.0 1xx".."6xx"
  let end = b.indexOf(10, 0);
  if (end < 0 || end > MAX_START_LINE) return false;
  if (b[end - 1] === 13) end--;
  // Request-Line (RFC 3261 §7.1): Method SP Request-URI SP "SIP/2.0"; methods are upper-case tokens here.
  if (!(b[0]! >= 65 && b[0]! <= 90) || b[end - 8] !== 32 || !hasVersionAt(b, end - 7)) return false;
  let i = 1;
  while (i < end && ((b[i]! >= 65 && b[i]! <= 90) || (b[i]! >= 48 && b[i]! <= 57) || b[i] === 95 || b[i] === 45)) i++;
  if (b[i] !== 32 || i + 1 >= end - 8) return false;
  for (let j = i + 1; j < end - 8; j++) if (b[j] === 32 || b[j] === 13) return false;
  return true;
}

interface Flow {
  /** Next expected sequence number; null until the flow's first segment. */
  next: number | null;
  ooo: Map<number, Uint8Array>;
  buffered: number;
  /** Set once a SIP start line was found in the stream; null while hunting for one. */
  framer: StreamFramer | null;
  /** While hunting: the unfinished last line, which may be the start of a start line. */
  partialLine: Uint8Array;
}

/** Longest start line looked for while resynchronising a TCP flow (longer lines are skipped). */
export const MAX_START_LINE = 2048;

/** What the SIP extractor left out of TCP flows. */
export interface TcpDrops {
  /** Bytes skipped while looking for a SIP start line (mid-connection start, non-SIP, after an error). */
  unsyncedBytes: number;
  /** Gaps in a flow that were never filled; the flow resynchronised after each. */
  gaps: number;
}

/**
 * Where the first SIP start line of `b` begins (at its start or after a line feed), or, when none
 * is there yet, where an unfinished last line that may become one begins (`waitFrom`).
 */
function findStartLine(b: Uint8Array): { start: number } | { waitFrom: number } {
  for (let line = 0; line < b.length;) {
    const eol = b.indexOf(10, line);
    if (eol < 0) return { waitFrom: b.length - line > MAX_START_LINE ? b.length : line };
    if (looksLikeSip(b.subarray(line))) return { start: line };
    line = eol + 1;
  }
  return { waitFrom: b.length };
}

export class SipExtractor {
  private decoder = new PacketDecoder();
  private flows = new Map<string, Flow>();
  readonly tcpDrops: TcpDrops = { unsyncedBytes: 0, gaps: 0 };

  /** `emit` gets every SIP message; UDP ones are views into the chunk being read: copy what must be kept. */
  constructor(private readonly emit: (m: CapturedMessage) => void) {}

  packet(p: RawPacket): void {
    const seg = this.decoder.decode(p);
    if (seg) this.push(seg);
  }

  get skipped(): number {
    return this.decoder.skipped;
  }

  fragmentDrops(): FragmentDrops {
    return this.decoder.drops();
  }

  push(seg: Segment): void {
    if (seg.proto === 'udp') {
      if (looksLikeSip(seg.payload)) this.emit({ ts: seg.ts, transport: 'udp', src: seg.src, dst: seg.dst, bytes: seg.payload, fileOffset: seg.payloadOffset });
      return;
    }
    const key = `${seg.src.address}|${seg.src.port}|${seg.dst.address}|${seg.dst.port}`;
    let f = this.flows.get(key);
    if (!f) {
      f = { next: null, ooo: new Map(), buffered: 0, framer: null, partialLine: new Uint8Array(0) };
      this.flows.set(key, f);
    }
    if (seg.syn) f.next = (seg.seq! + 1) >>> 0;
    else this.segment(f, seg);
    if (seg.fin) this.flows.delete(key);
  }

  private segment(f: Flow, seg: Segment): void {
    if (seg.payload.length === 0) return;
    if (f.next === null) f.next = seg.seq!;
    const rel = (seg.seq! - f.next) | 0; // wrap-safe distance
    if (rel < 0) {
      // Retransmission (possibly overlapping new data): keep only what is new.
      if (-rel >= seg.payload.length) return;
      this.feed(f, seg, seg.payload.subarray(-rel));
    } else if (rel > 0) {
      if (f.buffered + seg.payload.length > MAX_TCP_BUFFERED) {
        this.skipGap(f, seg);
        return this.segment(f, seg); // each skip consumes buffered data, so this recursion is bounded
      }
      if (!f.ooo.has(seg.seq!)) {
        f.buffered += seg.payload.length;
        f.ooo.set(seg.seq!, seg.payload.slice());
      }
      return;
    } else this.feed(f, seg, seg.payload);
    this.drain(f, seg);
  }

  /** Feeds buffered segments that have become next in sequence. */
  private drain(f: Flow, seg: Segment): void {
    for (let more = f.ooo.get(f.next!); more; more = f.ooo.get(f.next!)) {
      f.ooo.delete(f.next!);
      f.buffered -= more.length;
      this.feed(f, seg, more);
    }
  }

  /**
   * A hole the capture never fills (a packet it missed) while data after it piles up: continue
   * from the earliest data buffered after the hole, hunting for a start line again.
   */
  private skipGap(f: Flow, seg: Segment): void {
    this.tcpDrops.gaps++;
    let earliest = seg.seq!;
    for (const s of f.ooo.keys()) if (((s - earliest) | 0) < 0) earliest = s;
    f.next = earliest;
    f.framer = null;
    f.partialLine = new Uint8Array(0);
    this.drain(f, seg);
  }

  private feed(f: Flow, seg: Segment, data: Uint8Array): void {
    f.next = (f.next! + data.length) >>> 0;
    if (!f.framer) {
      // Resynchronise: a capture may start mid-connection, or a start line may span segments.
      const text = f.partialLine.length ? concatBytes([f.partialLine, data]) : data;
      const found = findStartLine(text);
      if ('waitFrom' in found) {
        this.tcpDrops.unsyncedBytes += found.waitFrom; // the kept partial line was not counted before
        f.partialLine = text.slice(found.waitFrom);
        return;
      }
      this.tcpDrops.unsyncedBytes += found.start;
      f.partialLine = new Uint8Array(0);
      f.framer = new StreamFramer();
      data = text.subarray(found.start);
    }
    for (const ev of f.framer.push(data)) {
      if (ev.type === 'message') this.emit({ ts: seg.ts, transport: 'tcp', src: seg.src, dst: seg.dst, bytes: ev.bytes });
      else if (ev.type === 'error') f.framer = null; // hunt for the next start line in later data
    }
  }
}

/** ngrep's packet header: protocol, then the time as `-t` (absolute) or `-T` (since the previous match) prints it, or none. */
const NGREP_HEADER =
  /^([UT]) (?:(\d{4})\/(\d\d)\/(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{1,6}) |\+(\d+)\.(\d{1,6}) )?(\[?[0-9a-fA-F:.]+\]?):(\d+) -> (\[?[0-9a-fA-F:.]+\]?):(\d+)/;

export interface NgrepText {
  messages: CapturedMessage[];
  /** Packets whose header had no time (ngrep run without -t or -T): kept in file order, 1 µs apart. */
  untimed: number;
  /** Packets timed only relative to the previous one (-T): the capture's date is unknown. */
  relative: number;
}

/**
 * `ngrep -W byline` text (as in field story 000): a header line per packet
 * ("U 2013/07/19 22:17:34.920749 192.0.2.4:5060 -> 198.51.100.7:5060" with -t, "U +0.000412 …"
 * with -T, "U 192.0.2.4:5060 -> …" without either), then the message, each line ending in "."
 * where ngrep printed the CR.
 */
export function parseNgrep(text: string): NgrepText {
  const out: CapturedMessage[] = [];
  const header = NGREP_HEADER;
  let untimed = 0;
  let relative = 0;
  let clock = 0;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const m = header.exec(lines[i]!);
    if (!m) continue;
    const body: string[] = [];
    for (i++; i < lines.length && !header.test(lines[i]!) && lines[i] !== '#' && !/^#+\s*$/.test(lines[i]!); i++) body.push(lines[i]!.replace(/\.$/, ''));
    i--;
    while (body.length && body[body.length - 1] === '') body.pop();
    const msg = body.join('\r\n') + '\r\n\r\n';
    if (m[2] !== undefined) clock = Date.UTC(+m[2], +m[3]! - 1, +m[4]!, +m[5]!, +m[6]!, +m[7]!) * 1000 + Number(m[8]!.padEnd(6, '0'));
    else if (m[9] !== undefined) {
      relative++;
      clock += Number(m[9]) * 1e6 + Number(m[10]!.padEnd(6, '0'));
    } else {
      untimed++;
      clock += 1;
    }
    const ts = clock;
    const bytes = new TextEncoder().encode(msg.replace(/\r\n\r\n\r\n\r\n$/, '\r\n\r\n'));
    if (looksLikeSip(bytes)) {
      out.push({
        ts,
        transport: m[1] === 'U' ? 'udp' : 'tcp',
        src: { address: m[11]!.replace(/[[\]]/g, ''), port: +m[12]! },
        dst: { address: m[13]!.replace(/[[\]]/g, ''), port: +m[14]! },
        bytes,
      });
    }
  }
  return { messages: out, untimed, relative };
}
