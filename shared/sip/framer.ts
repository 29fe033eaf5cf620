// Stream framing for SIP over TCP/TLS (RFC 3261 §18.3): messages are delimited by Content-Length,
// which is mandatory on streams. CRLF keep-alives (RFC 5626 §3.5.1) between messages are reported separately.
//
// Linear in the total bytes for any chunking: chunks are appended to a growable buffer (never the
// whole buffer re-copied per push), and every search resumes where the previous push stopped (the
// start line, then the blank line), so a 60 KB header fed one byte at a time costs 60 KB of work.
// API (unchanged; used by electron/engine/transports/stream.ts, the reflector's TCP/TLS/WS
// listeners and the capture reader): `new StreamFramer(max?)`, `push(chunk)` → events, `pending`.
import { fromUtf8 } from '../hash/utf8.js';
import { canonicalKey } from './message.js';

/** Default cap on one framed message; a peer that exceeds it is sending something other than SIP. */
export const MAX_STREAM_MESSAGE_BYTES = 65_535;
/** A first line longer than this cannot start a SIP message; checked without waiting for the rest. */
export const MAX_START_LINE_BYTES = 2048;
/** Capacity the buffer starts from and shrinks back to once empty (idle connections hold little). */
const MIN_CAPACITY = 1024;
/** Buffer size on reallocation, relative to the bytes it must hold. */
const GROWTH = 1.25;
/** Chunks up to this size are copied byte by byte. */
const SMALL_CHUNK = 16;

export type FrameEvent =
  | { type: 'message'; bytes: Uint8Array }
  | { type: 'keepalive'; bytes: Uint8Array } // "\r\n\r\n" ping or "\r\n" pong
  | { type: 'error'; reason: string };

/** Where the framer is inside the message that starts at `start`. */
const enum Stage {
  Between,
  StartLine,
  Headers,
  Body,
}

export class StreamFramer {
  private buf = new Uint8Array(0);
  /** Live bytes are buf[start, end); framed bytes before `start` are dropped lazily. */
  private start = 0;
  private end = 0;
  private stage = Stage.Between;
  /** Bytes before `scan` were searched already (for the end of the start line or of the headers). */
  private scan = 0;
  /** End of the current message once its Content-Length is known. */
  private messageEnd = 0;
  private failed = false;

  constructor(private readonly maxMessageBytes = MAX_STREAM_MESSAGE_BYTES) {}

  /** Bytes waiting for the rest of their message. */
  get pending(): number {
    return this.end - this.start;
  }

  /** Feeds a chunk; returns every complete frame. After an error the framer stays failed (the stream is unusable). */
  push(chunk: Uint8Array): FrameEvent[] {
    if (this.failed) return [];
    this.append(chunk);
    const events: FrameEvent[] = [];
    // Each turn consumes bytes or ends the loop, so it runs at most once per byte plus once.
    for (;;) {
      const problem = this.advance(events);
      if (problem === 'wait') break;
      if (problem !== null) return this.fail(events, problem);
    }
    if (this.start === this.end) this.release();
    return events;
  }

  /** One step of the state machine: null after progress, 'wait' for more bytes, or an error. */
  private advance(events: FrameEvent[]): string | 'wait' | null {
    const b = this.buf;
    switch (this.stage) {
      case Stage.Between: {
        // Leading CRLFs are keep-alives, not part of a message.
        let k = this.start;
        while (k < this.end && (b[k] === 13 || b[k] === 10)) k++;
        if (k === this.end && k > this.start && b[k - 1] === 13) k--; // keep a lone CR: its LF may follow
        if (k > this.start) events.push({ type: 'keepalive', bytes: b.slice(this.start, k) });
        this.start = k;
        if (k === this.end || b[k] === 13) return 'wait';
        this.stage = Stage.StartLine;
        this.scan = k;
        return null;
      }
      case Stage.StartLine:
        return this.checkStartLine();
      case Stage.Headers:
        return this.findHeadersEnd();
      case Stage.Body: {
        if (this.end < this.messageEnd) return 'wait';
        events.push({ type: 'message', bytes: b.slice(this.start, this.messageEnd) });
        this.start = this.messageEnd;
        this.stage = Stage.Between;
        return null;
      }
    }
  }

  /** Rejects a stream early when its first line cannot start a SIP message (no need to wait for 64 KB). */
  private checkStartLine(): string | 'wait' | null {
    const b = this.buf;
    const limit = Math.min(this.end, this.start + MAX_START_LINE_BYTES + 1);
    let i = this.scan;
    for (; i < limit && b[i] !== 10; i++) {
      if (b[i] === 0 || b[i]! >= 0x80) return 'the peer sent binary data, not SIP';
    }
    this.scan = i;
    if (i === limit) return i - this.start > MAX_START_LINE_BYTES ? `first line longer than ${MAX_START_LINE_BYTES} bytes: not SIP` : 'wait';
    const line = fromUtf8(b.subarray(this.start, i));
    if (!START_LINE.test(line)) return `the peer sent a line that does not start a SIP message: "${line.slice(0, 40)}"`;
    this.stage = Stage.Headers;
    return null;
  }

  /** Resumes the search for the blank line; then reads Content-Length once for the whole head. */
  private findHeadersEnd(): string | 'wait' | null {
    const b = this.buf;
    // The sentinel LF at buf[end] stops every search at the end of the live bytes.
    for (let i = b.indexOf(10, this.scan); i < this.end; i = b.indexOf(10, i + 1)) {
      // An LF too close to the end cannot be judged yet: resume from it next time.
      if (i + 1 >= this.end || (b[i + 1] === 13 && i + 2 >= this.end)) {
        this.scan = i;
        return this.headerLimit();
      }
      const bodyStart = b[i + 1] === 10 ? i + 2 : b[i + 1] === 13 && b[i + 2] === 10 ? i + 3 : -1;
      if (bodyStart < 0) continue;
      const cl = contentLengthOf(b.subarray(this.start, i));
      if (cl === 'invalid') return 'invalid Content-Length in stream message';
      if (cl === 'conflicting') return 'two different Content-Length values: the message end is ambiguous (RFC 3261 §18.3, RFC 4475 §3.3.9)';
      if (cl === undefined) return 'message on a stream without Content-Length (RFC 3261 §18.3 requires it)';
      const total = bodyStart - this.start + cl;
      if (total > this.maxMessageBytes) return `message of ${total} bytes exceeds the ${this.maxMessageBytes}-byte limit`;
      this.messageEnd = this.start + total;
      this.stage = Stage.Body;
      return null;
    }
    this.scan = this.end;
    return this.headerLimit();
  }

  private headerLimit(): string | 'wait' {
    return this.end - this.start > this.maxMessageBytes ? `no end of headers within ${this.maxMessageBytes} bytes` : 'wait';
  }

  /**
   * Appends a chunk. The buffer doubles when full, and live bytes move to the front only when the
   * dead prefix is at least half of it: each byte is copied O(1) times on average.
   */
  private append(chunk: Uint8Array): void {
    const live = this.end - this.start;
    // One byte more than the data: room for the sentinel.
    const need = live + chunk.length + 1;
    if (this.end + chunk.length + 1 > this.buf.length) {
      const shift = this.start;
      if (need <= this.buf.length >> 1) {
        this.buf.copyWithin(0, this.start, this.end);
      } else {
        // A quarter more room than needed: the next reallocation comes only after at least a
        // quarter as many new bytes, so each byte pays for a bounded number of copies, while a
        // connection holding an unfinished message holds little more than its bytes.
        const grown = new Uint8Array(Math.max(MIN_CAPACITY, Math.ceil(need * GROWTH)));
        grown.set(this.buf.subarray(this.start, this.end));
        this.buf = grown;
      }
      this.start = 0;
      this.end = live;
      this.scan -= shift;
      this.messageEnd -= shift;
    }
    // A native copy costs more than a loop for the few bytes of a trickled stream.
    if (chunk.length <= SMALL_CHUNK) for (let i = 0; i < chunk.length; i++) this.buf[this.end + i] = chunk[i]!;
    else this.buf.set(chunk, this.end);
    this.end += chunk.length;
    this.buf[this.end] = 10;
  }

  /** Empty: drop a buffer that grew for a large message, so idle streams hold little memory. */
  private release(): void {
    this.start = this.end = this.scan = this.messageEnd = 0;
    if (this.buf.length > MIN_CAPACITY) this.buf = new Uint8Array(0);
  }

  private fail(events: FrameEvent[], reason: string): FrameEvent[] {
    this.failed = true;
    this.buf = new Uint8Array(0);
    this.start = this.end = 0;
    events.push({ type: 'error', reason });
    return events;
  }
}

const START_LINE = /^(?:SIP\/2\.0 \d{3}(?: .*)?|[A-Za-z][A-Za-z0-9!%*_+`'~.-]* \S+ SIP\/2\.0)\r?$/;

/**
 * Content-Length of a head (any spelling, compact "l" included); 'conflicting' for two different
 * values, which would let a peer smuggle one message inside another.
 */
function contentLengthOf(head: Uint8Array): number | undefined | 'invalid' | 'conflicting' {
  const text = fromUtf8(head);
  let found: number | undefined;
  let colon = -1;
  for (let pos = 0; pos < text.length;) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    // The next colon is searched again only once passed: lines without one must not each
    // rescan to the end of the head.
    if (colon < pos) colon = text.indexOf(':', pos);
    if (colon < 0) break;
    const first = text.charCodeAt(pos);
    if (colon > pos && colon < nl && first !== 32 && first !== 9 && canonicalKey(text.slice(pos, colon).trim()) === 'content-length') {
      const v = text.slice(colon + 1, nl).trim();
      if (!/^\d{1,9}$/.test(v)) return 'invalid';
      if (found !== undefined && found !== Number(v)) return 'conflicting';
      found = Number(v);
    }
    pos = nl + 1;
  }
  return found;
}
