// What grouping and the capture rules need of a SIP message, by one scan of its head's bytes
// (only wanted header values are decoded; the full parser runs only when a message is shown:
// whole parsed messages of a 200,000-packet capture would not fit).
import { parseCSeq, parseVia } from '../sip/header-values.js';

export type Range = readonly [number, number];

export interface Brief {
  callId?: string;
  request: boolean;
  /** The request's method, or for a response the CSeq method it answers (RFC 3261 §8.1.3.1). */
  method: string;
  status: number;
  reason: string;
  cseq?: number;
  credentials: boolean;
  /**
   * Where the values read only for some messages are ([start, end) byte offsets; decoded on demand
   * by `viaOf`, `textAt`): the topmost Via, User-Agent (requests) or Server (responses), From.
   */
  viaAt?: Range;
  agentAt?: Range;
  fromAt?: Range;
  /** Offset of the body when there is an SDP one (Content-Type application/sdp). */
  sdpAt?: number;
}

const decoder = new TextDecoder('utf-8');
type Wanted = 'call-id' | 'via' | 'credentials' | 'cseq' | 'agent' | 'from' | 'content-type';
/** Header names read (lower-case), compact forms included (RFC 3261 §7.3.3, §20). */
const WANTED: Record<string, Wanted> = {
  'call-id': 'call-id',
  i: 'call-id',
  via: 'via',
  v: 'via',
  authorization: 'credentials',
  'proxy-authorization': 'credentials',
  cseq: 'cseq',
  'user-agent': 'agent',
  server: 'agent',
  from: 'from',
  f: 'from',
  'content-type': 'content-type',
  c: 'content-type',
};
/** Wanted names by length, as lower-case bytes: a header line is matched without building a string. */
const BY_LENGTH = new Map<number, Array<[Uint8Array, Wanted]>>();
for (const [name, w] of Object.entries(WANTED)) {
  const list = BY_LENGTH.get(name.length) ?? [];
  list.push([Uint8Array.from(name, (c) => c.charCodeAt(0)), w]);
  BY_LENGTH.set(name.length, list);
}
const LONGEST_WANTED = Math.max(...BY_LENGTH.keys());
const START_LINE_MAX = 16_384;
/** Longest header value read (a Call-ID, a User-Agent): enough to group, show and filter by. */
const VALUE_MAX = 1024;

/** Which wanted header the line at `pos` is (compared case-insensitively up to its colon), or null. */
function wantedName(bytes: Uint8Array, pos: number, lineEnd: number): { name: Wanted; colon: number } | null {
  let colon = pos;
  while (colon < lineEnd && bytes[colon] !== 58 && colon - pos <= LONGEST_WANTED + 2) colon++;
  if (bytes[colon] !== 58) return null;
  let end = colon;
  while (end > pos && (bytes[end - 1] === 32 || bytes[end - 1] === 9)) end--; // HCOLON allows blanks before ":"
  const candidates = BY_LENGTH.get(end - pos);
  if (!candidates) return null;
  next: for (const [name, w] of candidates) {
    for (let i = 0; i < name.length; i++) if ((bytes[pos + i]! | 0x20) !== name[i]) continue next;
    return { name: w, colon };
  }
  return null;
}

/** The text of bytes[from, to): ASCII (nearly always) without a TextDecoder call, else UTF-8. */
export function bytesText(bytes: Uint8Array, from: number, to: number): string {
  let ascii = true;
  for (let i = from; i < to && ascii; i++) ascii = bytes[i]! < 128;
  return ascii ? String.fromCharCode.apply(null, bytes.subarray(from, to) as unknown as number[]) : decoder.decode(bytes.subarray(from, to));
}

/** A header value's text, without the blanks around it. */
export const textAt = (bytes: Uint8Array, [from, to]: Range): string => bytesText(bytes, from, to).trim();

/** Methods seen in nearly every capture (RFC 3261 §7.1 and extensions): their names are matched as bytes, not decoded. */
const COMMON_METHODS = [
  'REGISTER',
  'INVITE',
  'ACK',
  'BYE',
  'CANCEL',
  'OPTIONS',
  'PRACK',
  'UPDATE',
  'INFO',
  'NOTIFY',
  'SUBSCRIBE',
  'MESSAGE',
  'REFER',
  'PUBLISH',
].map((name) => [name, Uint8Array.from(name, (c) => c.charCodeAt(0))] as const);

/** The method name in bytes[from, to) (a token of [A-Z0-9_-], checked by the caller). */
function methodAt(bytes: Uint8Array, from: number, to: number): string {
  next: for (const [name, code] of COMMON_METHODS) {
    if (code.length !== to - from) continue;
    for (let i = 0; i < code.length; i++) if (bytes[from + i] !== code[i]) continue next;
    return name;
  }
  return String.fromCharCode.apply(null, bytes.subarray(from, to) as unknown as number[]);
}

const isUpperOrDigit = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isVisible = (c: number): boolean => c > 32 && c < 127;
/** "SIP/2.0" as bytes (RFC 3261 §7.1). */
const SIP_VERSION = Uint8Array.from('SIP/2.0', (c) => c.charCodeAt(0));
/** Whether "SIP/2.0" stands at `at` (a start line's version, first or last; RFC 3261 §7.1). */
export const hasVersionAt = (bytes: Uint8Array, at: number): boolean => at >= 0 && SIP_VERSION.every((c, i) => bytes[at + i] === c);

type StartLine = Pick<Brief, 'request' | 'method' | 'status' | 'reason'>;

/**
 * The start line of the usual shapes read from its bytes — `SIP/2.0 200 OK`, `INVITE sip:… SIP/2.0`
 * (RFC 3261 §7.1, §7.2) in printable ASCII; undefined for anything else, which the regular
 * expressions of `startLineOf` then judge exactly as before.
 */
export function commonStartLine(bytes: Uint8Array, end: number): StartLine | undefined {
  if (hasVersionAt(bytes, 0)) {
    if (bytes[7] !== 32 || !isDigit(bytes[8]!) || !isDigit(bytes[9]!) || !isDigit(bytes[10]!) || (end > 11 && bytes[11] !== 32)) return undefined;
    for (let i = 12; i < end; i++) if (bytes[i]! < 32 || bytes[i]! > 126) return undefined;
    const status = (bytes[8]! - 48) * 100 + (bytes[9]! - 48) * 10 + (bytes[10]! - 48);
    const reason = end > 12 ? String.fromCharCode.apply(null, bytes.subarray(12, end) as unknown as number[]).trimEnd() : '';
    return { request: false, method: '', status, reason };
  }
  if (!(bytes[0]! >= 65 && bytes[0]! <= 90)) return undefined;
  let sp = 1;
  while (sp < end && isUpperOrDigit(bytes[sp]!)) sp++;
  let uriEnd = sp + 1;
  while (uriEnd < end && isVisible(bytes[uriEnd]!)) uriEnd++;
  if (bytes[sp] !== 32 || uriEnd === sp + 1 || bytes[uriEnd] !== 32 || uriEnd + 1 + SIP_VERSION.length !== end || !hasVersionAt(bytes, uriEnd + 1))
    return undefined;
  return { request: true, method: methodAt(bytes, 0, sp), status: 0, reason: '' };
}

/** The start line, or null when it is not SIP. */
export function startLineOf(bytes: Uint8Array, end: number): StartLine | null {
  const common = commonStartLine(bytes, end);
  if (common) return common;
  const start = textAt(bytes, [0, Math.min(end, START_LINE_MAX)]);
  const response = /^SIP\/2\.0 (\d{3}) ?(.*)$/.exec(start);
  const request = response ? null : /^([A-Z][A-Z0-9_-]*) \S+ SIP\/2\.0$/.exec(start);
  if (!response && !request) return null;
  return { request: !!request, method: request?.[1] ?? '', status: response ? Number(response[1]) : 0, reason: response?.[2] ?? '' };
}

/**
 * CSeq `1234 INVITE` read from its bytes (RFC 3261 §20.16) when it has that plain shape; otherwise
 * (or for a number over 2**31-1) the header-value parser decides.
 */
export function cseqAt(bytes: Uint8Array, [from, to]: Range): { seq: number; method: string } | undefined {
  let i = from;
  while (i < to && (bytes[i] === 32 || bytes[i] === 9)) i++;
  const digitsAt = i;
  let seq = 0;
  while (i < to && isDigit(bytes[i]!) && i - digitsAt < 9) seq = seq * 10 + (bytes[i++]! - 48);
  const methodFrom = i + 1;
  let methodTo = methodFrom;
  while (methodTo < to && isUpperOrDigit(bytes[methodTo]!)) methodTo++;
  let rest = methodTo;
  while (rest < to && (bytes[rest] === 32 || bytes[rest] === 9)) rest++;
  if (i > digitsAt && bytes[i] === 32 && methodTo > methodFrom && rest === to) return { seq, method: methodAt(bytes, methodFrom, methodTo) };
  const c = parseCSeq(textAt(bytes, [from, to]));
  return c.ok ? c.value : undefined;
}

/** Lower-case bytes of the one body type summarised (RFC 4566 via RFC 3264). */
const SDP_TYPE = Uint8Array.from('application/sdp', (c) => c.charCodeAt(0));
const isWordByte = (c: number | undefined): boolean => c !== undefined && (((c | 0x20) >= 97 && (c | 0x20) <= 122) || isDigit(c) || c === 95);

/** Whether a Content-Type value is application/sdp (any case, parameters allowed). */
export function isSdpType(bytes: Uint8Array, [from, to]: Range): boolean {
  let i = from;
  while (i < to && (bytes[i] === 32 || bytes[i] === 9)) i++;
  if (to - i < SDP_TYPE.length) return false;
  for (let k = 0; k < SDP_TYPE.length; k++) if ((bytes[i + k]! | 0x20) !== SDP_TYPE[k]) return false; // '/' | 0x20 is '/'
  const after = i + SDP_TYPE.length;
  return after === to || !isWordByte(bytes[after]);
}

/** The user part of the first sip:/sips:/tel: URI in a From value (display names may not contain it unquoted). */
const FROM_USER = /(?:sips?|tel):([^@;>\s]+)/i;

/** The topmost Via of a message whose `viaAt` is set. */
export function viaOf(bytes: Uint8Array, at: Range): { host: string; port?: number; rport?: string | null; received?: string | null } | undefined {
  const value = textAt(bytes, at);
  const comma = value.indexOf(',');
  const v = parseVia(comma < 0 ? value : value.slice(0, comma).trim());
  return v.ok ? { host: v.value.host, port: v.value.port, rport: v.value.params.rport, received: v.value.params.received } : undefined;
}

/** The user part of the From URI of a message whose `fromAt` is set. */
export const fromUserOf = (bytes: Uint8Array, at: Range): string => FROM_USER.exec(textAt(bytes, at))?.[1] ?? '';

function readHeader(b: Brief, bytes: Uint8Array, name: Wanted, at: Range): void {
  switch (name) {
    case 'credentials':
      b.credentials = true;
      break;
    case 'call-id':
      b.callId ??= textAt(bytes, at);
      break;
    case 'agent':
      b.agentAt ??= at;
      break;
    case 'from':
      b.fromAt ??= at;
      break;
    case 'via':
      b.viaAt ??= at;
      break;
    case 'cseq': {
      const c = b.cseq === undefined ? cseqAt(bytes, at) : undefined;
      if (c) {
        b.cseq = c.seq;
        if (!b.request) b.method = c.method;
      }
      break;
    }
    case 'content-type':
      if (isSdpType(bytes, at)) b.sdpAt = -1;
  }
}

/** Returns null when the start line is not SIP. */
export function brief(bytes: Uint8Array): Brief | null {
  const firstEol = bytes.indexOf(10);
  const startEnd = firstEol < 0 ? bytes.length : firstEol;
  const line = startLineOf(bytes, bytes[startEnd - 1] === 13 ? startEnd - 1 : startEnd);
  if (!line) return null;
  // Written out, not spread: a spread copy that then gains the optional fields falls into V8's slow (dictionary) objects, 2× slower overall.
  const b: Brief = { request: line.request, method: line.method, status: line.status, reason: line.reason, credentials: false };
  let pos = startEnd + 1;
  while (pos < bytes.length) {
    const lineStart = pos;
    let lineEnd = bytes.indexOf(10, pos);
    if (lineEnd < 0) lineEnd = bytes.length;
    const textEnd = bytes[lineEnd - 1] === 13 ? lineEnd - 1 : lineEnd;
    pos = lineEnd + 1;
    if (textEnd <= lineStart) break; // the blank line: the body starts at pos
    const h = wantedName(bytes, lineStart, textEnd);
    if (h) readHeader(b, bytes, h.name, [h.colon + 1, Math.min(textEnd, h.colon + 1 + VALUE_MAX)]);
  }
  if (b.sdpAt !== undefined) b.sdpAt = Math.min(pos, bytes.length);
  return b;
}
