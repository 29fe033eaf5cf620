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
  const scheme = lower(raw.slice(0, colon));
  if (scheme !== 'sip' && scheme !== 'sips' && !/^[a-z][a-z0-9+.-]*$/.test(scheme)) return { ok: false, error: `invalid URI scheme "${raw.slice(0, colon)}"`, offset: 0 };
  const rest = raw.slice(colon + 1);
  if (scheme !== 'sip' && scheme !== 'sips') {
    return { ok: true, uri: { scheme, host: '', params: {}, headers: {}, raw } };
  }
  let pos = 0;
  let user: string | undefined;
  // '@' is not allowed unescaped inside userinfo, so the first one ends it.
  const at = rest.indexOf('@');
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    // RFC 3261 §19.1.1 allows "user:password"; it is deprecated and we never keep the password part.
    const pw = userinfo.indexOf(':');
    user = unescape(pw >= 0 ? userinfo.slice(0, pw) : userinfo);
    pos = at + 1;
  }
  let hostEnd = pos;
  if (rest[pos] === '[') {
    const close = rest.indexOf(']', pos);
    if (close < 0) return { ok: false, error: 'unterminated IPv6 reference in URI host', offset: colon + 1 + pos };
    hostEnd = close + 1;
  } else {
    for (let c = rest.charCodeAt(hostEnd); hostEnd < rest.length && c !== 58 && c !== 59 && c !== 63; c = rest.charCodeAt(++hostEnd));
  }
  const host = rest.slice(pos, hostEnd);
  if (!validHost(host)) return { ok: false, error: `invalid host "${host}" in URI`, offset: colon + 1 + pos };
  pos = hostEnd;
  let port: number | undefined;
  if (rest[pos] === ':') {
    let end = pos + 1;
    while (end < rest.length && rest.charCodeAt(end) >= 48 && rest.charCodeAt(end) <= 57) end++;
    const digits = rest.slice(pos + 1, end);
    port = Number(digits);
    if (!digits || port > 65535) return { ok: false, error: `invalid port "${digits}" in URI`, offset: colon + 2 + pos };
    pos = end;
  }
  const params: Record<string, string | null> = {};
  let headers: Record<string, string> = NO_HEADERS;
  const q = rest.indexOf('?', pos);
  const paramText = rest.slice(pos, q >= 0 ? q : rest.length);
  if (paramText && paramText[0] !== ';') return { ok: false, error: `unexpected "${paramText[0]}" after URI host`, offset: colon + 1 + pos };
  for (let ps = 1; ps < paramText.length;) {
    let pe = paramText.indexOf(';', ps);
    if (pe < 0) pe = paramText.length;
    const eq = paramText.indexOf('=', ps);
    if (pe > ps) {
      const nameEnd = eq < 0 || eq > pe ? pe : eq;
      const name = paramText.indexOf('%', ps) < 0 || paramText.indexOf('%', ps) >= nameEnd ? paramName(paramText, ps, nameEnd) : lower(unescape(paramText.slice(ps, nameEnd)));
      params[name] = nameEnd === pe ? null : unescape(paramText.slice(eq + 1, pe));
    }
    ps = pe + 1;
  }
  if (q >= 0) {
    headers = {};
    for (const h of rest.slice(q + 1).split('&')) {
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
