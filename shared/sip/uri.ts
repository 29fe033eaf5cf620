import { lower, paramName } from './text.js';
// SIP/SIPS URI (RFC 3261 §19.1) and a tolerant fallback for other schemes (tel:, urn:).

export interface SipUri {
  scheme: string; // lower-case: 'sip', 'sips', 'tel', ...
  user?: string; // unescaped
  host: string; // IPv6 references keep their brackets, as written
  port?: number;
  params: Record<string, string | null>; // names lower-cased; null for flags (";lr")
  headers: Record<string, string>;
  raw: string;
}

/** Shared by every URI without ?headers (nearly all of them): one object fewer per URI. */
const NO_HEADERS: Record<string, string> = Object.freeze({}) as Record<string, string>;

export type UriResult = { ok: true; uri: SipUri } | { ok: false; error: string; offset: number };

/** hostname / IPv4address / IPv6reference (RFC 3261 §25.1), checked by character class: hot path. */
function validHost(host: string): boolean {
  if (host.length === 0) return false;
  if (host.charCodeAt(0) === 91 /* [ */) {
    if (host.charCodeAt(host.length - 1) !== 93 || host.length < 4) return false;
    for (let i = 1; i < host.length - 1; i++) {
      const c = host.charCodeAt(i);
      if (!((c >= 48 && c <= 58) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102) || c === 46)) return false;
    }
    return true;
  }
  let prev = 46; // a label may not start with '-' or '.'
  for (let i = 0; i < host.length; i++) {
    const c = host.charCodeAt(i);
    const alnum = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    if (c === 46) {
      if (prev === 46 || prev === 45) return false;
    } else if (c === 45) {
      if (prev === 46) return false;
    } else if (!alnum && c !== 95) return false;
    prev = c;
  }
  return prev !== 45;
}

function unescape(text: string): string {
  if (text.indexOf('%') < 0) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Parses a URI; `offset` in errors is relative to the start of `raw`. */
export function parseUri(raw: string): UriResult {
  const colon = raw.indexOf(':');
  if (colon <= 0) return { ok: false, error: 'URI has no scheme', offset: 0 };
  // The two schemes that matter come back as literals (no slice, no lower-casing).
  const scheme = colon === 3 && raw.startsWith('sip') ? 'sip' : colon === 4 && raw.startsWith('sips') ? 'sips' : lower(raw.slice(0, colon));
  if (scheme !== 'sip' && scheme !== 'sips') {
    if (!/^[a-z][a-z0-9+.-]*$/.test(scheme)) return { ok: false, error: `invalid URI scheme "${raw.slice(0, Math.min(colon, 20))}"`, offset: 0 };
    return { ok: true, uri: { scheme, host: '', params: {}, headers: NO_HEADERS, raw } };
  }
  const n = raw.length;
  let pos = colon + 1;
  let user: string | undefined;
  // '@' is not allowed unescaped inside userinfo, so the first one ends it.
  const at = raw.indexOf('@', pos);
  if (at >= 0) {
    // RFC 3261 §19.1.1 allows "user:password"; it is deprecated and we never keep the password part.
    const pw = raw.indexOf(':', pos);
    user = unescape(raw.slice(pos, pw >= 0 && pw < at ? pw : at));
    pos = at + 1;
  }
  let hostEnd = pos;
  if (raw.charCodeAt(pos) === 91 /* [ */) {
    const close = raw.indexOf(']', pos);
    if (close < 0) return { ok: false, error: 'unterminated IPv6 reference in URI host', offset: pos };
    hostEnd = close + 1;
  } else {
    for (let c = raw.charCodeAt(hostEnd); hostEnd < n && c !== 58 && c !== 59 && c !== 63; c = raw.charCodeAt(++hostEnd));
  }
  const host = raw.slice(pos, hostEnd);
  if (!validHost(host)) return { ok: false, error: `invalid host "${host.slice(0, 40)}" in URI`, offset: pos };
  pos = hostEnd;
  let port: number | undefined;
  if (raw.charCodeAt(pos) === 58 /* : */) {
    let end = pos + 1;
    let value = 0;
    for (let c = raw.charCodeAt(end); c >= 48 && c <= 57; c = raw.charCodeAt(++end)) value = value * 10 + (c - 48);
    if (end === pos + 1 || end - pos > 6 || value > 65535)
      return { ok: false, error: `invalid port "${raw.slice(pos + 1, Math.min(end, pos + 12))}" in URI`, offset: pos + 1 };
    port = value;
    pos = end;
  }
  const params: Record<string, string | null> = {};
  let headers = NO_HEADERS;
  const q = raw.indexOf('?', pos);
  const paramsEnd = q >= 0 ? q : n;
  if (pos < paramsEnd && raw.charCodeAt(pos) !== 59) return { ok: false, error: `unexpected "${raw[pos]}" after URI host`, offset: pos };
  const escaped = raw.indexOf('%', pos) >= 0;
  for (let ps = pos + 1; ps < paramsEnd;) {
    let pe = raw.indexOf(';', ps);
    if (pe < 0 || pe > paramsEnd) pe = paramsEnd;
    if (pe > ps) {
      // Search '=' inside this parameter only: from `ps` to the end of the URI would make a
      // run of flag parameters (";lr;lr;...") quadratic.
      let eq = ps;
      while (eq < pe && raw.charCodeAt(eq) !== 61 /* = */) eq++;
      const name = escaped ? lower(unescape(raw.slice(ps, eq))) : paramName(raw, ps, eq);
      params[name] = eq === pe ? null : escaped ? unescape(raw.slice(eq + 1, pe)) : raw.slice(eq + 1, pe);
    }
    ps = pe + 1;
  }
  if (q >= 0) {
    headers = {};
    for (const h of raw.slice(q + 1).split('&')) {
      if (!h) continue;
      const eq = h.indexOf('=');
      headers[unescape(eq < 0 ? h : h.slice(0, eq))] = eq < 0 ? '' : unescape(h.slice(eq + 1));
    }
  }
  return { ok: true, uri: { scheme, user, host: lower(host), port, params, headers, raw } };
}

/** The host without IPv6 brackets, for socket APIs. */
export function bareHost(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** Formats host for use in SIP text: IPv6 addresses get brackets (RFC 3261 §25.1 IPv6reference). */
export function hostForSip(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
