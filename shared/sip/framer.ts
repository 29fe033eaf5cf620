// Stream framing for SIP over TCP/TLS (RFC 3261 §18.3): messages are delimited by Content-Length,
// which is mandatory on streams. CRLF keep-alives (RFC 5626 §3.5.1) between messages are reported separately.
import { fromUtf8 } from '../hash/utf8.js';
import { canonicalKey } from './message.js';

/** Default cap on one framed message; a peer that exceeds it is sending something other than SIP. */
export const MAX_STREAM_MESSAGE_BYTES = 65_535;

export type FrameEvent =
  | { type: 'message'; bytes: Uint8Array }
  | { type: 'keepalive'; bytes: Uint8Array } // "\r\n\r\n" ping or "\r\n" pong
  | { type: 'error'; reason: string };

export class StreamFramer {
  private buf = new Uint8Array(0);
  private failed = false;

  constructor(private readonly maxMessageBytes = MAX_STREAM_MESSAGE_BYTES) {}

  /** Bytes waiting for the rest of their message. */
  get pending(): number {
    return this.buf.length;
  }

  /** Feeds a chunk; returns every complete frame. After an error the framer stays failed (the stream is unusable). */
  push(chunk: Uint8Array): FrameEvent[] {
    if (this.failed) return [];
    const joined = new Uint8Array(this.buf.length + chunk.length);
    joined.set(this.buf);
    joined.set(chunk, this.buf.length);
    const events: FrameEvent[] = [];
    let pos = 0;
    for (;;) {
      // Leading CRLFs are keep-alives, not part of a message.
      let k = pos;
      while (k < joined.length && (joined[k] === 13 || joined[k] === 10)) k++;
      if (k > pos) {
        if (k === joined.length && joined[k - 1] === 13) { k--; } // keep a lone CR: its LF may follow
        if (k > pos) events.push({ type: 'keepalive', bytes: joined.slice(pos, k) });
        pos = k;
      }
      if (pos >= joined.length) break;
      const startLine = startLineProblem(joined, pos);
      if (startLine) return this.fail(events, startLine);
      const headEnd = indexOfBlankLine(joined, pos);
      if (!headEnd) {
        if (joined.length - pos > this.maxMessageBytes) return this.fail(events, `no end of headers within ${this.maxMessageBytes} bytes`);
        break;
      }
      const cl = contentLengthOf(joined.subarray(pos, headEnd.head));
      if (cl === 'invalid') return this.fail(events, 'invalid Content-Length in stream message');
      if (cl === undefined) return this.fail(events, 'message on a stream without Content-Length (RFC 3261 §18.3 requires it)');
      const total = headEnd.body - pos + cl;
      if (total > this.maxMessageBytes) return this.fail(events, `message of ${total} bytes exceeds the ${this.maxMessageBytes}-byte limit`);
      if (joined.length - pos < total) break;
      events.push({ type: 'message', bytes: joined.slice(pos, pos + total) });
      pos += total;
    }
    this.buf = joined.slice(pos);
    return events;
  }

  private fail(events: FrameEvent[], reason: string): FrameEvent[] {
    this.failed = true;
    this.buf = new Uint8Array(0);
    events.push({ type: 'error', reason });
    return events;
  }
}

const START_LINE = /^(?:SIP\/2\.0 \d{3}(?: .*)?|[A-Za-z][A-Za-z0-9!%*_+`'~.-]* \S+ SIP\/2\.0)\r?$/;

/** Rejects a stream early when its first line cannot start a SIP message (no need to wait for 64 KB). */
function startLineProblem(b: Uint8Array, from: number): string | null {
  const nl = b.indexOf(10, from);
  const end = nl < 0 ? Math.min(b.length, from + 1024) : nl;
  for (let i = from; i < end; i++) {
    if (b[i] === 0 || b[i]! >= 0x80) return 'the peer sent binary data, not SIP';
  }
  if (nl < 0) return end - from >= 1024 ? "first line longer than 1024 bytes: not SIP" : null;
  const line = fromUtf8(b.subarray(from, nl));
  return START_LINE.test(line) ? null : `the peer sent a line that does not start a SIP message: "${line.slice(0, 40)}"`;
}

function indexOfBlankLine(b: Uint8Array, from: number): { head: number; body: number } | null {
  for (let i = from; i < b.length; i++) {
    if (b[i] !== 10) continue;
    if (b[i + 1] === 10) return { head: i, body: i + 2 };
    if (b[i + 1] === 13 && b[i + 2] === 10) return { head: i, body: i + 3 };
  }
  return null;
}

function contentLengthOf(head: Uint8Array): number | undefined | 'invalid' {
  const text = fromUtf8(head);
  let found: number | undefined | 'invalid';
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0 || line[0] === ' ' || line[0] === '\t') continue;
    if (canonicalKey(line.slice(0, colon).trim()) !== 'content-length') continue;
    const v = line.slice(colon + 1).trim();
    found = /^\d{1,9}$/.test(v) ? Number(v) : 'invalid';
  }
  return found;
}
