// Parsers for the structured header values the probes rely on (RFC 3261 §20, §25.1).
// Each returns a value or an error with an offset relative to the header value.
import { paramName } from './text.js';
import { parseUri, type SipUri } from './uri.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string; offset: number };

export type Params = Record<string, string | null>;

export interface Via {
  protocol: string; // "SIP/2.0"
  transport: string; // upper-case: UDP, TCP, TLS, WS, WSS, SCTP
  host: string;
  port?: number;
  params: Params; // branch, received, rport (null when the flag has no value), maddr, ttl...
}

export interface NameAddr {
  displayName?: string;
  uri: SipUri;
  params: Params; // header parameters: tag, expires, q, +sip.instance...
}

export interface CSeq {
  seq: number;
  method: string;
}

/** One WWW-/Proxy-Authenticate challenge or Authorization credentials (RFC 3261 §25.1 challenge / credentials). */
export interface AuthParams {
  scheme: string; // "Digest"
  params: Record<string, string>; // names lower-cased, quotes and escapes removed
}

const isWs = (c: number): boolean => c === 32 || c === 9 || c === 13 || c === 10;

function skipWs(s: string, i: number): number {
  while (i < s.length && isWs(s.charCodeAt(i))) i++;
  return i;
}

// The parsers below run for every header of every message, so the two innermost helpers return
// plain values and leave their second result in these variables instead of allocating objects.
let quotedEnd = 0;
let paramsError = { error: '', offset: 0 };

/** Reads a quoted-string at s[i] === '"'; returns its unescaped text (index after it in `quotedEnd`), or null. */
function readQuoted(s: string, i: number): string | null {
  const close = s.indexOf('"', i + 1);
  if (close < 0) return null;
  // Fast path: no backslash inside, so no escapes to undo (search only the quoted text).
  const text = s.slice(i + 1, close);
  if (text.indexOf('\\') < 0) {
    quotedEnd = close + 1;
    return text;
  }
  let out = '';
  let j = i + 1;
  let start = j;
  for (; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c === 92 /* \ */) {
      out += s.slice(start, j);
      j++;
      start = j;
    } else if (c === 34 /* " */) {
      quotedEnd = j + 1;
      return out + s.slice(start, j);
    }
  }
  return null;
}

/**
 * End of the list entry that starts at `from`: the next top-level comma (RFC 3261 §7.3.1), not
 * one inside a quoted string or a <...> URI, or the end of `s`. Entries are found one at a time so
 * that a list that fails early is not split whole first.
 */
export function topLevelEnd(s: string, from: number, sep = 44 /* , */): number {
  let inQuote = false;
  let inAngle = false;
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (inQuote) {
      if (c === 92) i++;
      else if (c === 34) inQuote = false;
    } else if (c === 34) inQuote = true;
    else if (c === 60) inAngle = true;
    else if (c === 62) inAngle = false;
    else if (c === sep && !inAngle) return i;
  }
  return s.length;
}

const SEMI = 59,
  EQ = 61,
  COMMA = 44,
  QUOTE = 34;

/** Parses ";name=value;flag" generic-params from s[i] to the end; returns the end, or -1 (see `paramsError`). */
function parseParams(s: string, i: number, into: Params): number {
  const n = s.length;
  while (i < n) {
    i = skipWs(s, i);
    if (i >= n) break;
    if (s.charCodeAt(i) !== SEMI) return paramFail(`expected ";" before parameter, found "${s[i]}"`, i);
    i = skipWs(s, i + 1);
    let j = i;
    for (let c = s.charCodeAt(j); j < n && c !== EQ && c !== SEMI && !isWs(c); c = s.charCodeAt(++j));
    if (j === i) return paramFail('empty parameter name', i);
    const name = paramName(s, i, j);
    j = skipWs(s, j);
    if (s.charCodeAt(j) === EQ) {
      j = skipWs(s, j + 1);
      if (s.charCodeAt(j) === QUOTE) {
        const q = readQuoted(s, j);
        if (q === null) return paramFail('unterminated quoted parameter value', j);
        into[name] = q;
        i = quotedEnd;
      } else {
        // Token value: up to the next ';' (native search), minus trailing LWS.
        let k = s.indexOf(';', j);
        if (k < 0) k = n;
        let e = k;
        while (e > j && isWs(s.charCodeAt(e - 1))) e--;
        into[name] = s.slice(j, e);
        i = k;
      }
    } else {
      into[name] = null;
      i = j;
    }
  }
  return i;
}

function paramFail(error: string, offset: number): number {
  paramsError = { error, offset };
  return -1;
}

/** One via-parm: "SIP / 2.0 / UDP host[:port] *(;param)" (RFC 3261 §20.42). */
export function parseVia(s: string): Parsed<Via> {
  let i = skipWs(s, 0);
  const parts: string[] = [];
  for (let k = 0; k < 3; k++) {
    let j = i;
    for (let c = s.charCodeAt(j); j < s.length && c !== 47 && !isWs(c); c = s.charCodeAt(++j));
    parts.push(s.slice(i, j));
    i = skipWs(s, j);
    if (k < 2) {
      if (s[i] !== '/') return { ok: false, error: 'malformed Via sent-protocol (expected "SIP/2.0/TRANSPORT")', offset: i };
      i = skipWs(s, i + 1);
    }
  }
  const [name, version, transport] = parts as [string, string, string];
  if (!name || !version || !transport) return { ok: false, error: 'malformed Via sent-protocol', offset: 0 };
  i = skipWs(s, i);
  let hostEnd = i;
  if (s[i] === '[') {
    hostEnd = s.indexOf(']', i);
    if (hostEnd < 0) return { ok: false, error: 'unterminated IPv6 reference in Via', offset: i };
    hostEnd++;
  } else {
    for (let c = s.charCodeAt(hostEnd); hostEnd < s.length && c !== 58 && c !== SEMI && !isWs(c); c = s.charCodeAt(++hostEnd));
  }
  const host = s.slice(i, hostEnd);
  if (!host) return { ok: false, error: 'Via has no sent-by host', offset: i };
  i = skipWs(s, hostEnd);
  let port: number | undefined;
  if (s[i] === ':') {
    i = skipWs(s, i + 1);
    let j = i;
    while (j < s.length && s.charCodeAt(j) >= 48 && s.charCodeAt(j) <= 57) j++;
    port = Number(s.slice(i, j));
    if (j === i || port > 65535) return { ok: false, error: 'invalid Via sent-by port', offset: i };
    i = j;
  }
  const params: Params = {};
  if (parseParams(s, i, params) < 0) return { ok: false, ...paramsError };
  const protocol = name === 'SIP' && version === '2.0' ? 'SIP/2.0' : `${name}/${version}`.toUpperCase();
  return { ok: true, value: { protocol, transport: transport.toUpperCase(), host, port, params } };
}

/** name-addr or addr-spec with header params (RFC 3261 §20.10, §20.20, §20.39). */
export function parseNameAddr(s: string): Parsed<NameAddr> {
  let i = skipWs(s, 0);
  let displayName: string | undefined;
  let uriText: string;
  let uriAt: number;
  let after: number;
  if (s[i] === '"') {
    const q = readQuoted(s, i);
    if (q === null) return { ok: false, error: 'unterminated quoted display name', offset: i };
    displayName = q;
    i = skipWs(s, quotedEnd);
    if (s[i] !== '<') return { ok: false, error: 'expected "<" after display name', offset: i };
  }
  const lt = s.indexOf('<', i);
  const semi = s.indexOf(';', i);
  if (s.charCodeAt(i) === 60 || (lt >= 0 && !displayName && (semi < 0 || semi > lt))) {
    if (lt > i && displayName === undefined) displayName = s.slice(i, lt).trim() || undefined;
    const gt = s.indexOf('>', lt);
    if (gt < 0) return { ok: false, error: 'missing ">" after URI', offset: lt };
    uriAt = skipWs(s, lt + 1);
    uriText = s.slice(uriAt, gt).trim();
    after = gt + 1;
  } else {
    // addr-spec: parameters after it belong to the header, not the URI (RFC 3261 §20.10).
    let j = i;
    for (let c = s.charCodeAt(j); j < s.length && c !== SEMI && !isWs(c); c = s.charCodeAt(++j));
    uriText = s.slice(i, j);
    uriAt = i;
    after = j;
  }
  const uri = parseUri(uriText);
  if (!uri.ok) return { ok: false, error: uri.error, offset: uriAt + uri.offset };
  const params: Params = {};
  if (parseParams(s, after, params) < 0) return { ok: false, ...paramsError };
  return { ok: true, value: { displayName, uri: uri.uri, params } };
}

const CSEQ_METHOD = /^[A-Za-z0-9!%*_+`'~.-]+$/;
const CSEQ_BAD: Parsed<CSeq> = { ok: false, error: 'malformed CSeq (expected "number METHOD")', offset: 0 };

export function parseCSeq(s: string): Parsed<CSeq> {
  let i = skipWs(s, 0);
  let seq = 0;
  const digitsAt = i;
  for (let c = s.charCodeAt(i); c >= 48 && c <= 57; c = s.charCodeAt(++i)) seq = seq * 10 + (c - 48);
  if (i === digitsAt || i - digitsAt > 10 || !isWs(s.charCodeAt(i))) return CSEQ_BAD;
  if (seq > 2 ** 31 - 1) return { ok: false, error: 'CSeq number exceeds 2**31-1', offset: digitsAt };
  const method = s.slice(skipWs(s, i)).trimEnd();
  return CSEQ_METHOD.test(method) ? { ok: true, value: { seq, method } } : CSEQ_BAD;
}

/** "Digest a=b, c="d"" — challenge or credentials (RFC 3261 §25.1, RFC 7616 §3.3-3.4). */
export function parseAuthParams(s: string): Parsed<AuthParams> {
  let i = skipWs(s, 0);
  let j = i;
  while (j < s.length && !isWs(s.charCodeAt(j))) j++;
  const scheme = s.slice(i, j);
  if (!scheme) return { ok: false, error: 'missing authentication scheme', offset: i };
  const params: Record<string, string> = {};
  i = j;
  while (i < s.length) {
    i = skipWs(s, i);
    if (i >= s.length) break;
    let k = i;
    for (let c = s.charCodeAt(k); k < s.length && c !== EQ && c !== COMMA && !isWs(c); c = s.charCodeAt(++k));
    const name = k > i ? paramName(s, i, k) : '';
    k = skipWs(s, k);
    if (!name || s.charCodeAt(k) !== EQ) return { ok: false, error: `malformed auth parameter near "${s.slice(i, i + 20)}"`, offset: i };
    k = skipWs(s, k + 1);
    if (s.charCodeAt(k) === QUOTE) {
      const q = readQuoted(s, k);
      if (q === null) return { ok: false, error: `unterminated quoted value for "${name}"`, offset: k };
      params[name] = q;
      k = quotedEnd;
    } else {
      let stop = s.indexOf(',', k);
      if (stop < 0) stop = s.length;
      let e = stop;
      while (e > k && isWs(s.charCodeAt(e - 1))) e--;
      params[name] = s.slice(k, e);
      k = stop;
    }
    k = skipWs(s, k);
    if (k < s.length && s.charCodeAt(k) !== COMMA) return { ok: false, error: `expected "," after "${name}"`, offset: k };
    i = k + 1;
  }
  return { ok: true, value: { scheme, params } };
}
