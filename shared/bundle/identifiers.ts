// What pseudonymisation has to find: identifying values in the results and in every traced SIP
// message, by kind. Found where the protocol puts them (RFC 3261 §19.1 URIs, §20 headers, §22.4
// digest parameters, RFC 5626 +sip.instance), and in the structured fields of the results.
import type { CheckResult } from '../model/results.js';
import { USER_AGENT } from '../sip/requests.js';

export type IdentifierKind = 'user' | 'phone' | 'name' | 'device' | 'domain' | 'software' | 'certificate' | 'address';

export interface Found {
  kind: IdentifierKind;
  value: string;
}

/** Values of SIP Ladder itself (Call-ID host of shared/sip/ids.ts, our User-Agent): they identify nobody. */
const OWN_VALUES = new Set(['sipladder', USER_AGENT.toLowerCase()]);
export const isOwnValue = (value: string): boolean => OWN_VALUES.has(value.toLowerCase());

/** Addresses that identify nobody. */
export const KEPT_ADDRESSES = new Set(['127.0.0.1', '0.0.0.0', '::1', '::']);

export const IPV4 = /(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\d]|\.\d)/g;
/** Candidates only: validated by isIpv6 (hex groups and colons, optionally a dotted IPv4 tail, tried first). */
export const IPV6_CANDIDATE = /(?<![0-9A-Za-z:.])(?:[0-9A-Fa-f]{0,4}:){2,8}(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f]{1,4})?(?![0-9A-Za-z:])/g;
const HOST = /^(?=.*[A-Za-z])[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$/;
/** sip:, sips: and tel: URIs (RFC 3261 §19.1.1, RFC 3966): user part and host. */
const URI = /\b(sips?|tel):([^\s<>";,?]+)/gi;
const DISPLAY_NAME =
  /^(?:From|f|To|t|Contact|m|Reply-To|Referred-By|P-Asserted-Identity|P-Preferred-Identity|Remote-Party-ID)[ \t]*:[ \t]*(?:"((?:[^"\\\r\n]|\\.)+)"|([^<"\r\n,]+?))[ \t]*</gim;
const VIA_HOST = /SIP\/2\.0\/[A-Za-z]+[ \t]+\[?([^\s;:\]]+)/gi;
const CALL_ID_HOST = /^(?:Call-ID|i)[ \t]*:[^@\r\n]*@([^\s\r\n]+)/gim;
const DIGEST_PARAM = /\b(username|realm|domain)[ \t]*=[ \t]*"([^"\r\n]+)"/gi;
const SOFTWARE = /^(?:Server|User-Agent|Organization)[ \t]*:[ \t]*([^\r\n]+?)[ \t]*$/gim;
const INSTANCE = /\+sip\.instance[ \t]*=[ \t]*"?<?(?:urn:uuid:)?([^">\r\n;]+)/gi;
/** Host names in free text (DNS steps, certificate names): dotted, with an alphabetic top label. */
const DOTTED_HOST = /(?<![A-Za-z0-9_.-])(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}(?![A-Za-z0-9-])/g;
const PHONE = /^\+?[\d().-]{6,}$/;

export function isIpv6(text: string): boolean {
  const tail = /(?:\d{1,3}\.){3}\d{1,3}$/.test(text);
  const halves = text.replace(/(?:\d{1,3}\.){3}\d{1,3}$/, tail ? '0:0' : '').split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((h) => (h ? h.split(':') : []));
  if (!groups.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return false;
  return halves.length === 2 ? groups.length <= 7 : groups.length === 8;
}

const isAddress = (s: string): boolean => /^\d+(\.\d+){3}$/.test(s) || s.includes(':');
/** Host names worth hiding: not addresses, not RFC 7118 ".invalid" names we made up, not localhost. */
const worthHiding = (host: string): boolean => HOST.test(host) && !isAddress(host) && !/\.invalid\.?$/i.test(host) && host.toLowerCase() !== 'localhost';

/** Identifiers anywhere in a piece of text: addresses, URIs with their users and hosts, dotted host names. */
export function findInText(text: string, out: Found[]): void {
  for (const m of text.matchAll(IPV4)) if (!KEPT_ADDRESSES.has(m[0])) out.push({ kind: 'address', value: m[0] });
  for (const m of text.matchAll(IPV6_CANDIDATE)) if (isIpv6(m[0]) && !KEPT_ADDRESSES.has(m[0])) out.push({ kind: 'address', value: m[0] });
  for (const m of text.matchAll(URI)) {
    const rest = m[2]!;
    const at = rest.lastIndexOf('@');
    const user = at >= 0 ? rest.slice(0, at).split(':')[0]! : m[1]!.toLowerCase() === 'tel' ? rest : '';
    const host = (at >= 0 ? rest.slice(at + 1) : m[1]!.toLowerCase() === 'tel' ? '' : rest).replace(/^\[|\](?::\d+)?$/g, '').replace(/:\d+$/, '');
    if (user) out.push({ kind: PHONE.test(decodeURIComponentSafe(user)) ? 'phone' : 'user', value: user });
    if (worthHiding(host)) out.push({ kind: 'domain', value: host });
  }
  for (const m of text.matchAll(DOTTED_HOST)) if (worthHiding(m[0])) out.push({ kind: 'domain', value: m[0].replace(/\.$/, '') });
}

/** Identifiers a SIP message carries in specific headers and parameters, beyond findInText. */
export function findInMessage(text: string, out: Found[]): void {
  findInText(text, out);
  for (const m of text.matchAll(DISPLAY_NAME)) {
    const name = (m[1] ?? m[2] ?? '').trim();
    if (name) out.push({ kind: 'name', value: name });
  }
  for (const m of text.matchAll(VIA_HOST)) if (worthHiding(m[1]!)) out.push({ kind: 'domain', value: m[1]! });
  for (const m of text.matchAll(CALL_ID_HOST)) if (worthHiding(m[1]!)) out.push({ kind: 'domain', value: m[1]! });
  for (const m of text.matchAll(DIGEST_PARAM)) {
    const kind = m[1]!.toLowerCase() === 'username' ? (PHONE.test(m[2]!) ? 'phone' : 'user') : 'domain';
    out.push({ kind, value: m[2]! });
  }
  for (const m of text.matchAll(SOFTWARE)) out.push({ kind: 'software', value: m[1]! });
  for (const m of text.matchAll(INSTANCE)) out.push({ kind: 'device', value: m[1]! });
}

/** Identifiers the structured fields name directly (the account, targets, TLS certificates). */
export function findInFields(r: CheckResult, out: Found[]): void {
  for (const u of [r.account.user, r.account.authUser]) if (u) out.push({ kind: PHONE.test(u) ? 'phone' : 'user', value: u });
  for (const h of [r.account.domain, r.account.server, ...r.attempts.map((a) => a.target.host)]) if (worthHiding(h)) out.push({ kind: 'domain', value: h });
  for (const a of r.attempts) {
    if (!a.tls) continue;
    if (worthHiding(a.tls.servername)) out.push({ kind: 'domain', value: a.tls.servername });
    const c = a.tls.certificate;
    if (!c) continue;
    for (const san of c.subjectAltNames) {
      const value = san.replace(/^(?:DNS|IP Address|URI|email):/i, '');
      if (worthHiding(value.replace(/^\*\./, ''))) out.push({ kind: 'domain', value: value.replace(/^\*\./, '') });
    }
    for (const v of [c.subject, c.issuer, c.fingerprint256]) if (v) out.push({ kind: 'certificate', value: v });
  }
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
