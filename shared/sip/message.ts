// The parsed form of a SIP message (RFC 3261 §7). Raw bytes are always kept: they are the evidence.
import type { AuthParams, CSeq, NameAddr, Via } from './header-values.js';

export interface SipHeader {
  /** As written on the wire (may be a compact form such as "v"). */
  name: string;
  /** Canonical lower-case long name ("via" for "v"), RFC 3261 §7.3.3. */
  key: string;
  /** Value with folding (RFC 3261 §7.3.1) replaced by single spaces. */
  value: string;
}

export interface AuthChallenge extends AuthParams {
  header: 'www-authenticate' | 'proxy-authenticate';
}

interface SipMessageBase {
  headers: SipHeader[];
  via: Via[];
  from?: NameAddr;
  to?: NameAddr;
  callId?: string;
  cseq?: CSeq;
  /** '*' only appears in a REGISTER that removes every binding, which this app never sends. */
  contact: NameAddr[] | '*';
  contentLength?: number;
  challenges: AuthChallenge[];
  credentials: AuthParams[];
  body: Uint8Array;
  raw: Uint8Array;
}

export interface SipRequest extends SipMessageBase {
  kind: 'request';
  method: string;
  requestUri: string;
  version: string;
}

export interface SipResponse extends SipMessageBase {
  kind: 'response';
  status: number;
  reason: string;
  version: string;
}

export type SipMessage = SipRequest | SipResponse;

export interface ParseError {
  /** What is wrong, in words a support engineer can act on. */
  reason: string;
  /** Byte offset into the input where the problem starts. */
  offset: number;
}

export type ParseResult = { ok: true; message: SipMessage; warnings: string[] } | { ok: false; error: ParseError };

/** Compact header forms (RFC 3261 §7.3.3 and the IANA SIP header registry). */
export const COMPACT_FORMS: Record<string, string> = {
  a: 'accept-contact', b: 'referred-by', c: 'content-type', d: 'request-disposition', e: 'content-encoding',
  f: 'from', i: 'call-id', j: 'reject-contact', k: 'supported', l: 'content-length', m: 'contact', n: 'identity-info',
  o: 'event', r: 'refer-to', s: 'subject', t: 'to', u: 'allow-events', v: 'via', x: 'session-expires', y: 'identity',
};

// Header names seen so far (as written) and their canonical keys; bounded so hostile input cannot grow it.
const KEY_CACHE = new Map<string, string>();
const KEY_CACHE_MAX = 512;

export function canonicalKey(name: string): string {
  const cached = KEY_CACHE.get(name);
  if (cached !== undefined) return cached;
  const lower = name.toLowerCase();
  const key = (lower.length === 1 && COMPACT_FORMS[lower]) || lower;
  if (KEY_CACHE.size < KEY_CACHE_MAX) KEY_CACHE.set(name, key);
  return key;
}

/** First value of a header by any of its names, or undefined. */
export function headerValue(msg: SipMessage, name: string): string | undefined {
  const key = canonicalKey(name);
  for (const h of msg.headers) if (h.key === key) return h.value;
  return undefined;
}

export function headerValues(msg: SipMessage, name: string): string[] {
  const key = canonicalKey(name);
  return msg.headers.filter((h) => h.key === key).map((h) => h.value);
}
