// Parser step 1, locate (RFC 3261 §7): where the message's header section starts and ends, decoded
// once, and its start line (§7.1, §7.2). Linear: the blank line is found by one native search.
import { firstInvalidUtf8, fromUtf8, fromUtf8Strict, utf8 } from '../hash/utf8.js';
import type { ParseResult } from './message.js';

const TOKEN = /^[A-Za-z0-9!%*_+`'~.-]+$/;

/** The head found, with its start line read and where its header fields begin (a character offset in the head). */
export interface Located {
  head: Head;
  startLine: StartLine;
  fieldsAt: number;
}

/** Finds the header section and reads the start line, or says why there is no SIP message here. */
export function locate(raw: Uint8Array): Located | ParseResult {
  let start = 0;
  // RFC 3261 §7.5: implementations should ignore CRLF preceding the start-line.
  while (start < raw.length && (raw[start] === 13 || raw[start] === 10)) start++;
  if (start >= raw.length) return fail(raw.length === 0 ? 'empty message' : 'message contains only line breaks', start);
  const head = readHead(raw, start);
  if ('ok' in head) return head;
  const { text } = head;
  let lineEnd = text.indexOf('\n');
  if (lineEnd < 0) lineEnd = text.length;
  const startLine = parseStartLine(text.charCodeAt(lineEnd - 1) === 13 ? text.slice(0, lineEnd - 1) : text.slice(0, lineEnd), raw);
  if ('error' in startLine) return fail(startLine.error, byteAt(head, startLine.offset));
  return { head, startLine, fieldsAt: lineEnd + 1 };
}

/** Index just past the blank line that ends the header section, or -1 (accepts CRLF and bare LF). */
function findHeadEnd(b: Uint8Array, from: number): { headEnd: number; bodyStart: number } | null {
  for (let i = b.indexOf(10, from); i >= 0; i = b.indexOf(10, i + 1)) {
    if (b[i + 1] === 10) return { headEnd: i, bodyStart: i + 2 };
    if (b[i + 1] === 13 && b[i + 2] === 10) return { headEnd: i, bodyStart: i + 3 };
  }
  return null;
}

/** The header section as text, with the way back from character offsets to byte offsets. */
export interface Head {
  text: string;
  /** Byte offset of the head in the input. */
  start: number;
  /** Every byte is ASCII: character offsets are byte offsets. */
  ascii: boolean;
  bodyStart: number;
}

/** Byte offset in the input of a character offset in the head. Re-encodes a prefix of a non-ASCII head: on errors only, never in a loop. */
export function byteAt(head: Head, charOffset: number): number {
  return head.start + (head.ascii ? charOffset : utf8(head.text.slice(0, charOffset)).length);
}

/** Finds and decodes the header section that starts at byte `start`, or the error that prevents it. */
function readHead(raw: Uint8Array, start: number): Head | ParseResult {
  // Fast path for the usual all-ASCII message: decode once and let the engine's native string
  // search find the blank line. Equal lengths and no U+FFFD mean every byte was ASCII.
  const whole = fromUtf8(raw);
  if (whole.length === raw.length && whole.indexOf('\uFFFD') < 0) {
    const crlf = whole.indexOf('\n\r\n', start);
    // A bare-LF blank line only matters if it comes first: search the head only, not the body.
    const lf = (crlf >= 0 ? whole.slice(0, crlf) : whole).indexOf('\n\n', start);
    const end = crlf >= 0 && (lf < 0 || crlf < lf) ? { headEnd: crlf, bodyStart: crlf + 3 } : lf >= 0 ? { headEnd: lf, bodyStart: lf + 2 } : null;
    if (end) return { text: whole.slice(start, end.headEnd), start, ascii: true, bodyStart: end.bodyStart };
    return unterminated(raw, start);
  }
  const end = findHeadEnd(raw, start);
  if (!end) return unterminated(raw, start);
  const headBytes = raw.subarray(start, end.headEnd);
  const text = fromUtf8Strict(headBytes);
  if (text === null) return fail('header section is not valid UTF-8', start + Math.max(0, firstInvalidUtf8(headBytes)));
  // Valid UTF-8 decodes to as many characters as bytes only when every byte is ASCII.
  return { text, start, ascii: text.length === headBytes.length, bodyStart: end.bodyStart };
}

/** No blank line: say "not SIP" rather than "truncated" when even the first line is wrong. */
function unterminated(raw: Uint8Array, start: number): ParseResult {
  const nl = raw.indexOf(10, start);
  const firstLine = fromUtf8Strict(raw.subarray(start, nl < 0 ? raw.length : nl)) ?? '';
  const sl = parseStartLine(firstLine.replace(/\r$/, ''), raw.subarray(start));
  if ('error' in sl) return fail(sl.error, start + sl.offset);
  return fail('header section is not terminated by an empty line (message truncated?)', raw.length);
}

export type StartLine =
  | { kind: 'request'; method: string; requestUri: string; uriAt: number; version: string }
  | { kind: 'response'; status: number; reason: string; version: string };

function parseStartLine(line: string, raw: Uint8Array): StartLine | { error: string; offset: number } {
  if (line.startsWith('SIP/')) {
    const sp1 = line.indexOf(' ');
    const version = line.slice(0, sp1 < 0 ? line.length : sp1);
    if (version !== 'SIP/2.0') return { error: `unsupported SIP version "${version.slice(0, 20)}"`, offset: 0 };
    const code = line.slice(sp1 + 1, sp1 + 4);
    if (sp1 < 0 || !/^[1-6]\d\d$/.test(code)) return { error: `invalid status code "${code}"`, offset: sp1 + 1 };
    if (line.length > sp1 + 4 && line[sp1 + 4] !== ' ') return { error: 'expected space after status code', offset: sp1 + 4 };
    return { kind: 'response', status: Number(code), reason: line.slice(sp1 + 5), version };
  }
  const sp1 = line.indexOf(' ');
  const sp2 = line.lastIndexOf(' ');
  if (sp1 <= 0 || sp2 === sp1) {
    const printable = raw.length > 0 && raw.every((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127) || b >= 128);
    return { error: printable ? `malformed start line "${line.slice(0, 40)}"` : 'not a SIP message (binary data)', offset: 0 };
  }
  const method = line.slice(0, sp1);
  if (!TOKEN.test(method)) return { error: `invalid method "${method.slice(0, 20)}"`, offset: 0 };
  const requestUri = line.slice(sp1 + 1, sp2);
  if (!requestUri || requestUri.includes(' ')) return { error: 'malformed Request-URI', offset: sp1 + 1 };
  const version = line.slice(sp2 + 1);
  if (version !== 'SIP/2.0') return { error: `unsupported SIP version "${version.slice(0, 20)}"`, offset: sp2 + 1 };
  return { kind: 'request', method, requestUri, uriAt: sp1 + 1, version };
}

export function fail(reason: string, offset: number): ParseResult {
  return { ok: false, error: { reason, offset } };
}
