// SIP message parser (RFC 3261 §7, §20, §25). Never throws: every input gives a message or a
// precise error with the byte offset, because hostile and broken servers are what we diagnose.
import { fromUtf8, fromUtf8Strict, utf8 } from '../hash/utf8.js';
import {
  parseAuthParams, parseCSeq, parseNameAddr, parseVia, splitTopLevel, type AuthParams, type NameAddr, type Parsed, type Via,
} from './header-values.js';
import { canonicalKey, wellKnownKey, type AuthChallenge, type ParseResult, type SipHeader, type SipMessage } from './message.js';

/** A message with more header fields than this is treated as hostile (no real SIP message comes close). */
export const MAX_HEADER_FIELDS = 256;

const TOKEN = /^[A-Za-z0-9!%*_+`'~.-]+$/;

const isLws = (c: number): boolean => c === 32 || c === 9;

/** RFC 3261 §25.1 token characters, checked without a regex (hot path). */
const TOKEN_CHARS = new Uint8Array(128);
for (const ch of "!%*_+`'~.-") TOKEN_CHARS[ch.charCodeAt(0)] = 1;
for (let c = 48; c <= 57; c++) TOKEN_CHARS[c] = 1;
for (let c = 65; c <= 90; c++) TOKEN_CHARS[c] = TOKEN_CHARS[c + 32] = 1;

function isToken(s: string, from: number, to: number): boolean {
  if (to <= from) return false;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || TOKEN_CHARS[c] === 0) return false;
  }
  return true;
}

/** Index just past the blank line that ends the header section, or -1 (accepts CRLF and bare LF). */
export function findHeadEnd(b: Uint8Array, from: number): { headEnd: number; bodyStart: number } | null {
  for (let i = b.indexOf(10, from); i >= 0; i = b.indexOf(10, i + 1)) {
    if (b[i + 1] === 10) return { headEnd: i, bodyStart: i + 2 };
    if (b[i + 1] === 13 && b[i + 2] === 10) return { headEnd: i, bodyStart: i + 3 };
  }
  return null;
}

function firstInvalidUtf8(b: Uint8Array): number {
  for (let i = 0; i < b.length; i++) {
    if (fromUtf8Strict(b.subarray(0, i + 1)) === null && fromUtf8Strict(b.subarray(0, i + 4 > b.length ? b.length : i + 4)) === null) {
      // The first prefix that cannot be completed by up to 3 more bytes starts the bad sequence.
      let start = i;
      while (start > 0 && (b[start]! & 0xc0) === 0x80) start--;
      return start;
    }
  }
  return 0;
}

/** Parses one complete SIP message (a UDP datagram, or a frame cut by the stream framer). */
export function parseMessage(input: Uint8Array | string): ParseResult {
  const raw = typeof input === 'string' ? utf8(input) : input;
  let start = 0;
  // RFC 3261 §7.5: implementations should ignore CRLF preceding the start-line.
  while (start < raw.length && (raw[start] === 13 || raw[start] === 10)) start++;
  if (start >= raw.length) return fail(raw.length === 0 ? 'empty message' : 'message contains only line breaks', start);
  // Fast path for the usual all-ASCII message: decode once and let the engine's native string
  // search find the blank line. Equal lengths and no U+FFFD mean every byte was ASCII.
  const whole = fromUtf8(raw);
  let end: { headEnd: number; bodyStart: number } | null;
  let head: string | null = null;
  let ascii = whole.length === raw.length && whole.indexOf('\uFFFD') < 0;
  if (ascii) {
    const crlf = whole.indexOf('\n\r\n', start);
    // A bare-LF blank line only matters if it comes first: search the head only, not the body.
    const lf = (crlf >= 0 ? whole.slice(0, crlf) : whole).indexOf('\n\n', start);
    end = crlf >= 0 && (lf < 0 || crlf < lf) ? { headEnd: crlf, bodyStart: crlf + 3 } : lf >= 0 ? { headEnd: lf, bodyStart: lf + 2 } : null;
    if (end) head = whole.slice(start, end.headEnd);
  } else {
    end = findHeadEnd(raw, start);
  }
  if (!end) {
    // Say "not SIP" rather than "truncated" when even the first line is wrong.
    const nl = raw.indexOf(10, start);
    const firstLine = fromUtf8Strict(raw.subarray(start, nl < 0 ? raw.length : nl)) ?? '';
    const sl = parseStartLine(firstLine.replace(/\r$/, ''), raw.subarray(start));
    if ('error' in sl) return fail(sl.error, start + sl.offset);
    return fail('header section is not terminated by an empty line (message truncated?)', raw.length);
  }
  if (head === null) {
    const headBytes = raw.subarray(start, end.headEnd);
    head = fromUtf8Strict(headBytes);
    if (head === null) return fail('header section is not valid UTF-8', start + firstInvalidUtf8(headBytes));
    // Valid UTF-8 decodes to as many characters as bytes only when every byte is ASCII.
    ascii = head.length === headBytes.length;
  }
  const headText = head;
  // Maps a character offset in `headText` to a byte offset in `raw`.
  const at = (charOffset: number): number => start + (ascii ? charOffset : utf8(headText.slice(0, charOffset)).length);

  let lineEnd = headText.indexOf('\n');
  if (lineEnd < 0) lineEnd = headText.length;
  const startLine = headText.charCodeAt(lineEnd - 1) === 13 ? headText.slice(0, lineEnd - 1) : headText.slice(0, lineEnd);
  const msg = parseStartLine(startLine, raw);
  if ('error' in msg) return fail(msg.error, at(msg.offset));

  const headers: SipHeader[] = [];
  const headerOffsets: number[] = [];
  let pos = lineEnd + 1;
  while (pos < headText.length) {
    let nl = headText.indexOf('\n', pos);
    if (nl < 0) nl = headText.length;
    const lineStop = headText.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    const first = headText.charCodeAt(pos);
    if (first === 32 || first === 9) {
      // Folded continuation line (RFC 3261 §7.3.1): LWS joins it to the previous value.
      const prev = headers[headers.length - 1];
      if (!prev) return fail('continuation line before any header', at(pos));
      prev.value = (prev.value + ' ' + headText.slice(pos, lineStop).trim()).trim();
    } else {
      const colon = headText.indexOf(':', pos);
      if (colon < 0 || colon > lineStop) return fail(`header line without ":" ("${headText.slice(pos, Math.min(lineStop, pos + 30))}")`, at(pos));
      let nameEnd = colon;
      while (nameEnd > pos && isLws(headText.charCodeAt(nameEnd - 1))) nameEnd--;
      const name = headText.slice(pos, nameEnd);
      // Well-known spellings are valid tokens already; only other names need the character check.
      const known = wellKnownKey(name);
      if (known === undefined && !isToken(headText, pos, nameEnd)) return fail(`invalid header name "${name.slice(0, 40)}"`, at(pos));
      if (headers.length >= MAX_HEADER_FIELDS) return fail(`more than ${MAX_HEADER_FIELDS} header fields`, at(pos));
      let vs = colon + 1;
      let ve = lineStop;
      while (vs < ve && isLws(headText.charCodeAt(vs))) vs++;
      while (ve > vs && isLws(headText.charCodeAt(ve - 1))) ve--;
      headers.push({ name, key: known ?? canonicalKey(name), value: headText.slice(vs, ve) });
      headerOffsets.push(colon + 1);
    }
    pos = nl + 1;
  }

  const warnings: string[] = [];
  const via: Via[] = [];
  const contact: NameAddr[] = [];
  let star = false;
  const challenges: AuthChallenge[] = [];
  const credentials: AuthParams[] = [];
  let from: NameAddr | undefined, to: NameAddr | undefined, callId: string | undefined;
  let cseq: { seq: number; method: string } | undefined;
  let contentLength: number | undefined;
  let h = 0;
  // Error inside the value of header h, `off` characters into its (trimmed) value.
  const bad = (what: string, off: number): ParseResult => {
    const { name, value } = headers[h]!;
    const vOff = headerOffsets[h]!;
    return fail(`${name}: ${what}`, at(vOff + Math.max(0, headText.indexOf(value, vOff) - vOff) + off));
  };
  for (; h < headers.length; h++) {
    const { key, value } = headers[h]!;
    switch (key) {
      case 'via': {
        const e = parseList(value, parseVia, via);
        if (e) return bad(e.error, e.offset);
        break;
      }
      case 'from':
      case 'to': {
        const r = parseNameAddr(value);
        if (!r.ok) return bad(r.error, r.offset);
        if (key === 'from') from = r.value;
        else to = r.value;
        break;
      }
      case 'contact': {
        if (value === '*') {
          star = true;
          break;
        }
        const e = parseList(value, parseNameAddr, contact);
        if (e) return bad(e.error, e.offset);
        break;
      }
      case 'call-id':
        if (!value) return bad('empty Call-ID', 0);
        callId = value;
        break;
      case 'cseq': {
        const r = parseCSeq(value);
        if (!r.ok) return bad(r.error, r.offset);
        cseq = r.value;
        break;
      }
      case 'content-length':
        if (!/^\d{1,9}$/.test(value)) return bad(`invalid Content-Length "${value.slice(0, 20)}"`, 0);
        contentLength = Number(value);
        break;
      case 'www-authenticate':
      case 'proxy-authenticate':
      case 'authorization':
      case 'proxy-authorization': {
        // These are the headers RFC 3261 §7.3.1 exempts from comma-combining: one value per line.
        const r = parseAuthParams(value);
        if (!r.ok) return bad(r.error, r.offset);
        if (key.endsWith('authenticate')) challenges.push({ header: key as AuthChallenge['header'], ...r.value });
        else credentials.push(r.value);
        break;
      }
    }
  }

  let body = raw.subarray(end.bodyStart);
  if (contentLength !== undefined) {
    if (body.length < contentLength) return fail(`body is ${body.length} bytes but Content-Length says ${contentLength} (message truncated)`, raw.length);
    if (body.length > contentLength) {
      // RFC 3261 §18.3: bytes beyond Content-Length in a datagram are discarded.
      warnings.push(`${body.length - contentLength} bytes after the Content-Length body were ignored`);
      body = body.subarray(0, contentLength);
    }
  }
  const contactValue = star ? ('*' as const) : contact;
  // Two literal shapes (no spread): keeps object construction on the fast path.
  const message: SipMessage = msg.kind === 'request'
    ? { kind: 'request', method: msg.method, requestUri: msg.requestUri, version: msg.version, headers, via, from, to, callId, cseq, contact: contactValue, contentLength, challenges, credentials, body, raw }
    : { kind: 'response', status: msg.status, reason: msg.reason, version: msg.version, headers, via, from, to, callId, cseq, contact: contactValue, contentLength, challenges, credentials, body, raw };
  return { ok: true, message, warnings };
}

/**
 * Parses a header value that may hold several comma-separated entries (RFC 3261 §7.3.1),
 * appending each to `into`. Most lines hold one entry, so the split is skipped without a comma.
 */
function parseList<T>(value: string, parse: (s: string) => Parsed<T>, into: T[]): { error: string; offset: number } | null {
  if (value.indexOf(',') < 0) {
    const r = parse(value);
    if (!r.ok) return r;
    into.push(r.value);
    return null;
  }
  for (const [s, e] of splitTopLevel(value)) {
    const r = parse(value.slice(s, e));
    if (!r.ok) return { error: r.error, offset: s + r.offset };
    into.push(r.value);
  }
  return null;
}

type StartLine =
  | { kind: 'request'; method: string; requestUri: string; version: string }
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
  return { kind: 'request', method, requestUri, version };
}

function fail(reason: string, offset: number): ParseResult {
  return { ok: false, error: { reason, offset } };
}
