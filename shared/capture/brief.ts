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

/** Header text: ASCII (nearly always) without a TextDecoder call, else UTF-8. */
export function textAt(bytes: Uint8Array, [from, to]: Range): string {
  let ascii = true;
  for (let i = from; i < to && ascii; i++) ascii = bytes[i]! < 128;
  return (ascii ? String.fromCharCode.apply(null, bytes.subarray(from, to) as unknown as number[]) : decoder.decode(bytes.subarray(from, to))).trim();
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
      const c = b.cseq === undefined ? parseCSeq(textAt(bytes, at)) : null;
      if (c?.ok) {
        b.cseq = c.value.seq;
        if (!b.request) b.method = c.value.method;
      }
      break;
    }
    case 'content-type':
      if (/^\s*application\/sdp\b/i.test(textAt(bytes, at))) b.sdpAt = -1;
  }
}

/** Returns null when the start line is not SIP. */
export function brief(bytes: Uint8Array): Brief | null {
  const firstEol = bytes.indexOf(10);
  const startEnd = firstEol < 0 ? bytes.length : firstEol;
  const start = textAt(bytes, [0, Math.min(bytes[startEnd - 1] === 13 ? startEnd - 1 : startEnd, START_LINE_MAX)]);
  const response = /^SIP\/2\.0 (\d{3}) ?(.*)$/.exec(start);
  const request = response ? null : /^([A-Z][A-Z0-9_-]*) \S+ SIP\/2\.0$/.exec(start);
  if (!response && !request) return null;
  const b: Brief = {
    request: !!request,
    method: request?.[1] ?? '',
    status: response ? Number(response[1]) : 0,
    reason: response?.[2] ?? '',
    credentials: false,
  };
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
