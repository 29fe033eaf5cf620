// Parser step 2, split (RFC 3261 §7.3): the header section into "name: value" fields, folded
// lines joined (§7.3.1), with the way back from a value offset to its place in the head.
import { byteAt, fail, type Head } from './parse-locate.js';
import { canonicalKey, wellKnownKey, type ParseError, type ParseResult, type SipHeader } from './message.js';

/** A message with more header fields than this is treated as hostile (no real SIP message comes close). */
export const MAX_HEADER_FIELDS = 256;

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

/** Header fields split into lines, with where each value starts in the head (for error offsets). */
export interface Fields {
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
export function readFields(head: Head, from: number): Fields | ParseResult {
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
export function valueOffsetInHead(f: Fields, h: number, off: number): number {
  const segments = f.folds?.get(h);
  if (!segments) return f.valueAt[h]! + off;
  let k = 0;
  while (k + 2 < segments.length && segments[k + 2]! <= off) k += 2;
  return segments[k + 1]! + off - segments[k]!;
}
