// SIP message parser (RFC 3261 §7, §20, §25). Never throws: every input gives a message or a
// precise error with the byte offset, because hostile and broken servers are what we diagnose.
// Linear in the input for every input: each byte is visited a bounded number of times (no prefix
// re-decoding, no searches restarted from the start, no string rebuilt per folded line).
import { firstInvalidUtf8, fromUtf8, fromUtf8Strict, utf8 } from '../hash/utf8.js';
import {
  parseAuthParams, parseCSeq, parseNameAddr, parseVia, topLevelEnd, type AuthParams, type NameAddr, type Parsed, type Via,
} from './header-values.js';
import { canonicalKey, wellKnownKey, type AuthChallenge, type ParseError, type ParseResult, type SipHeader, type SipMessage } from './message.js';
import { parseUri } from './uri.js';

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
function findHeadEnd(b: Uint8Array, from: number): { headEnd: number; bodyStart: number } | null {
  for (let i = b.indexOf(10, from); i >= 0; i = b.indexOf(10, i + 1)) {
    if (b[i + 1] === 10) return { headEnd: i, bodyStart: i + 2 };
    if (b[i + 1] === 13 && b[i + 2] === 10) return { headEnd: i, bodyStart: i + 3 };
  }
  return null;
}

/** The header section as text, with the way back from character offsets to byte offsets. */
interface Head {
  text: string;
  /** Byte offset of the head in the input. */
  start: number;
  /** Every byte is ASCII: character offsets are byte offsets. */
  ascii: boolean;
  bodyStart: number;
}

/** Byte offset in the input of a character offset in the head. Re-encodes a prefix of a non-ASCII head: on errors only, never in a loop. */
function byteAt(head: Head, charOffset: number): number {
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

/** Header fields split into lines, with where each value starts in the head (for error offsets). */
interface Fields {
  headers: SipHeader[];
  /** Character offset in the head of each header's (trimmed) value. */
  valueAt: number[];
  /** For folded values: flat pairs (offset in the joined value, offset in the head) per segment; rare, so made on demand. */
  folds: Map<number, number[]> | null;
  /** Value parts of the last header while its folded lines are read, and their joined length. */
  continued: string[] | null;
  continuedLength: number;
}

/** Splits the header lines after the start line (RFC 3261 §7.3), joining folded lines (§7.3.1). */
function readFields(head: Head, from: number): Fields | ParseResult {
  const { text } = head;
  const f: Fields = { headers: [], valueAt: [], folds: null, continued: null, continuedLength: 0 };
  for (let pos = from; pos < text.length;) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    const lineStop = text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    if (isLws(text.charCodeAt(pos))) {
      if (f.headers.length === 0) return fail('continuation line before any header', byteAt(head, pos));
      let a = pos;
      let b = lineStop;
      while (a < b && isLws(text.charCodeAt(a))) a++;
      while (b > a && isLws(text.charCodeAt(b - 1))) b--;
      if (b > a) addContinuation(f, text, a, b);
    } else {
      endContinuations(f);
      const e = readField(text, pos, lineStop, f);
      if (e) return fail(e.reason, byteAt(head, e.offset));
    }
    pos = nl + 1;
  }
  endContinuations(f);
  return f;
}

/**
 * Collects a folded line text[a, b) of the last header. The value is joined once when the header
 * ends: rebuilding it per line would copy it again for every folded line.
 */
function addContinuation(f: Fields, text: string, a: number, b: number): void {
  const h = f.headers.length - 1;
  if (!f.continued) {
    const value = f.headers[h]!.value;
    f.continued = value ? [value] : [];
    f.continuedLength = value.length;
    (f.folds ??= new Map()).set(h, [0, f.valueAt[h]!]);
  }
  const valueOffset = f.continuedLength === 0 ? 0 : f.continuedLength + 1;
  f.folds!.get(h)!.push(valueOffset, a);
  f.continued.push(text.slice(a, b));
  f.continuedLength = valueOffset + b - a;
}

function endContinuations(f: Fields): void {
  if (!f.continued) return;
  f.headers[f.headers.length - 1]!.value = f.continued.join(' ');
  f.continued = null;
}

/** Reads one "name: value" line into `f`, or returns what is wrong with it. */
function readField(text: string, pos: number, lineStop: number, f: Fields): ParseError | null {
  const colon = text.indexOf(':', pos);
  if (colon < 0 || colon > lineStop) return { reason: `header line without ":" ("${text.slice(pos, Math.min(lineStop, pos + 30))}")`, offset: pos };
  let nameEnd = colon;
  while (nameEnd > pos && isLws(text.charCodeAt(nameEnd - 1))) nameEnd--;
  const name = text.slice(pos, nameEnd);
  // Well-known spellings are valid tokens already; only other names need the character check.
  const known = wellKnownKey(name);
  if (known === undefined && !isToken(text, pos, nameEnd)) return { reason: `invalid header name "${name.slice(0, 40)}"`, offset: pos };
  if (f.headers.length >= MAX_HEADER_FIELDS) return { reason: `more than ${MAX_HEADER_FIELDS} header fields`, offset: pos };
  let vs = colon + 1;
  let ve = lineStop;
  while (vs < ve && isLws(text.charCodeAt(vs))) vs++;
  while (ve > vs && isLws(text.charCodeAt(ve - 1))) ve--;
  f.headers.push({ name, key: known ?? canonicalKey(name), value: text.slice(vs, ve) });
  f.valueAt.push(vs);
  return null;
}

/** Character offset in the head of `off` characters into header h's value, folds included. */
function valueOffsetInHead(f: Fields, h: number, off: number): number {
  const segments = f.folds?.get(h);
  if (!segments) return f.valueAt[h]! + off;
  let k = 0;
  while (k + 2 < segments.length && segments[k + 2]! <= off) k += 2;
  return segments[k + 1]! + off - segments[k]!;
}

/** Parses one complete SIP message (a UDP datagram, or a frame cut by the stream framer). */
export function parseMessage(input: Uint8Array | string): ParseResult {
  const raw = typeof input === 'string' ? utf8(input) : input;
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
  const fields = readFields(head, lineEnd + 1);
  if ('ok' in fields) return fields;
  const content = interpretFields(fields, head);
  if ('reason' in content) return { ok: false, error: content };

  // Rules a readable message can still break (RFC 3261 §8.1.1, §20; RFC 4475 §3.1.2, §3.3): the
  // message is returned with the error, for display, so that importers can still show it.
  const violation = startLine.kind === 'request' ? requestViolation(startLine, fields, content, head) : content.violation;

  let body = raw.subarray(head.bodyStart);
  const warnings: string[] = [];
  const { contentLength } = content;
  if (contentLength !== undefined) {
    if (body.length < contentLength) return fail(`body is ${body.length} bytes but Content-Length says ${contentLength} (message truncated)`, raw.length);
    if (body.length > contentLength) {
      // RFC 3261 §18.3: bytes beyond Content-Length in a datagram are discarded.
      warnings.push(`${body.length - contentLength} bytes after the Content-Length body were ignored`);
      body = body.subarray(0, contentLength);
    }
  }
  const { headers } = fields;
  const { via, from, to, callId, cseq, contact, challenges, credentials } = content;
  // Two literal shapes (no spread): keeps object construction on the fast path.
  const message: SipMessage = startLine.kind === 'request'
    ? { kind: 'request', method: startLine.method, requestUri: startLine.requestUri, version: startLine.version, headers, via, from, to, callId, cseq, contact, contentLength, challenges, credentials, body, raw }
    : { kind: 'response', status: startLine.status, reason: startLine.reason, version: startLine.version, headers, via, from, to, callId, cseq, contact, contentLength, challenges, credentials, body, raw };
  return violation ? { ok: false, error: violation, message } : { ok: true, message, warnings };
}

/** The first rule a readable request breaks, in message order: Request-URI, repeated fields, CSeq method. */
function requestViolation(line: StartLine & { kind: 'request' }, f: Fields, c: Content, head: Head): ParseError | undefined {
  const uri = parseUri(line.requestUri);
  if (!uri.ok) return { reason: `Request-URI is not a URI: ${uri.error} (RFC 3261 §7.1, §25.1)`, offset: byteAt(head, line.uriAt + uri.offset) };
  if (c.violation || !c.cseq || c.cseq.method === line.method) return c.violation;
  const h = f.headers.findIndex((x) => x.key === 'cseq');
  return {
    reason: `CSeq method "${c.cseq.method.slice(0, 20)}" does not match the request method "${line.method.slice(0, 20)}" (RFC 3261 §8.1.1.5)`,
    offset: byteAt(head, valueOffsetInHead(f, h, Math.max(0, f.headers[h]!.value.length - c.cseq.method.length))),
  };
}

interface Content {
  via: Via[];
  from?: NameAddr;
  to?: NameAddr;
  callId?: string;
  cseq?: { seq: number; method: string };
  contact: NameAddr[] | '*';
  contentLength?: number;
  challenges: AuthChallenge[];
  credentials: AuthParams[];
  /** The first rule broken by a readable message (here: a single-value header given twice). */
  violation?: ParseError;
}


/** The structured headers (RFC 3261 §20), or the first value that cannot be read. */
function interpretFields(f: Fields, head: Head): Content | ParseError {
  // Every field present from the start: one object shape whatever the header order.
  const c: Content = { via: [], from: undefined, to: undefined, callId: undefined, cseq: undefined, contact: [], contentLength: undefined, challenges: [], credentials: [], violation: undefined };
  const contact: NameAddr[] = [];
  let star = false;
  let maxForwards = false;
  for (let h = 0; h < f.headers.length; h++) {
    const { key, value } = f.headers[h]!;
    switch (key) {
      case 'via': {
        const e = parseList(value, parseVia, c.via);
        if (e) return valueError(f, head, h, e.error, e.offset);
        break;
      }
      case 'from':
      case 'to': {
        const r = parseNameAddr(value);
        if (!r.ok) return valueError(f, head, h, r.error, r.offset);
        if (key === 'from' ? c.from : c.to) c.violation ??= duplicate(f, h, head);
        // Named stores, not c[key]: a keyed store is slower on this hot path.
        if (key === 'from') c.from = r.value;
        else c.to = r.value;
        break;
      }
      case 'contact': {
        if (value === '*') {
          star = true;
          break;
        }
        const e = parseList(value, parseNameAddr, contact);
        if (e) return valueError(f, head, h, e.error, e.offset);
        break;
      }
      case 'call-id':
        if (!value) return valueError(f, head, h, 'empty Call-ID', 0);
        if (c.callId !== undefined) c.violation ??= duplicate(f, h, head);
        c.callId = value;
        break;
      case 'cseq': {
        const r = parseCSeq(value);
        if (!r.ok) return valueError(f, head, h, r.error, r.offset);
        if (c.cseq) c.violation ??= duplicate(f, h, head);
        c.cseq = r.value;
        break;
      }
      case 'max-forwards':
        if (maxForwards) c.violation ??= duplicate(f, h, head);
        maxForwards = true;
        break;
      case 'content-length':
        if (!/^\d{1,9}$/.test(value)) return valueError(f, head, h, `invalid Content-Length "${value.slice(0, 20)}"`, 0);
        if (c.contentLength !== undefined) c.violation ??= duplicate(f, h, head);
        c.contentLength = Number(value);
        break;
      case 'www-authenticate':
      case 'proxy-authenticate':
      case 'authorization':
      case 'proxy-authorization': {
        // These are the headers RFC 3261 §7.3.1 exempts from comma-combining: one value per line.
        const r = parseAuthParams(value);
        if (!r.ok) return valueError(f, head, h, r.error, r.offset);
        if (key.endsWith('authenticate')) c.challenges.push({ header: key as AuthChallenge['header'], ...r.value });
        else c.credentials.push(r.value);
        break;
      }
    }
  }
  c.contact = star ? '*' : contact;
  return c;
}

/** Error inside the value of header h, `off` characters into its (unfolded) value. */
function valueError(f: Fields, head: Head, h: number, what: string, off: number): ParseError {
  return { reason: `${f.headers[h]!.name}: ${what}`, offset: byteAt(head, valueOffsetInHead(f, h, off)) };
}

/** RFC 3261 §7.3.1: a second To, From, Call-ID, CSeq, Max-Forwards or Content-Length is ambiguous (RFC 4475 §3.3.8, §3.3.9). */
function duplicate(f: Fields, h: number, head: Head): ParseError {
  // The line starts after the last LF before the value: found on error only, not kept per header.
  return { reason: `second "${f.headers[h]!.name}" header field: it allows a single value (RFC 3261 §7.3.1, §20)`, offset: byteAt(head, head.text.lastIndexOf('\n', f.valueAt[h]!) + 1) };
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
  for (let s = 0; s <= value.length;) {
    const e = topLevelEnd(value, s);
    const r = parse(value.slice(s, e));
    if (!r.ok) return { error: r.error, offset: s + r.offset };
    into.push(r.value);
    s = e + 1;
  }
  return null;
}

type StartLine =
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

function fail(reason: string, offset: number): ParseResult {
  return { ok: false, error: { reason, offset } };
}
