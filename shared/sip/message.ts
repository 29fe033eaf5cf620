// The parsed form of a SIP message (RFC 3261 §7). Raw bytes are always kept: they are the evidence.
import type { AuthParams, CSeq, NameAddr, Via } from './header-values.js';
import { lower } from './text.js';

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

/**
 * A failure may still carry the `message` when it was read completely but breaks a rule that makes
 * it invalid (a Request-URI that is not a URI, a CSeq method that is not the request's, a second
 * To/From/Call-ID/CSeq/Max-Forwards/Content-Length): for display only (ladders, captures), never
 * to act on.
 */
export type ParseResult = { ok: true; message: SipMessage; warnings: string[] } | { ok: false; error: ParseError; message?: SipMessage };

/** Compact header forms (RFC 3261 §7.3.3 and the IANA SIP header registry). */
export const COMPACT_FORMS: Record<string, string> = {
  a: 'accept-contact',
  b: 'referred-by',
  c: 'content-type',
  d: 'request-disposition',
  e: 'content-encoding',
  f: 'from',
  i: 'call-id',
  j: 'reject-contact',
  k: 'supported',
  l: 'content-length',
  m: 'contact',
  n: 'identity-info',
  o: 'event',
  r: 'refer-to',
  s: 'subject',
  t: 'to',
  u: 'allow-events',
  v: 'via',
  x: 'session-expires',
  y: 'identity',
};

/** Canonical key of the usual spellings, found by length then literal comparison: no hashing, no allocation. */
export function wellKnownKey(n: string): string | undefined {
  switch (n.length) {
    case 2:
      return n === 'To' ? 'to' : undefined;
    case 3:
      return n === 'Via' ? 'via' : undefined;
    case 4:
      return n === 'From' ? 'from' : n === 'CSeq' ? 'cseq' : n === 'Date' ? 'date' : n === 'Path' ? 'path' : undefined;
    case 5:
      return n === 'Allow' ? 'allow' : undefined;
    case 6:
      return n === 'Server' ? 'server' : undefined;
    case 7:
      return n === 'Call-ID' ? 'call-id' : n === 'Contact' ? 'contact' : n === 'Expires' ? 'expires' : undefined;
    case 9:
      return n === 'Supported' ? 'supported' : undefined;
    case 10:
      return n === 'User-Agent' ? 'user-agent' : undefined;
    case 11:
      return n === 'Min-Expires' ? 'min-expires' : undefined;
    case 12:
      return n === 'Max-Forwards' ? 'max-forwards' : n === 'Content-Type' ? 'content-type' : n === 'Record-Route' ? 'record-route' : undefined;
    case 13:
      return n === 'Authorization' ? 'authorization' : n === 'Service-Route' ? 'service-route' : undefined;
    case 14:
      return n === 'Content-Length' ? 'content-length' : undefined;
    case 16:
      return n === 'WWW-Authenticate' ? 'www-authenticate' : undefined;
    case 18:
      return n === 'Proxy-Authenticate' ? 'proxy-authenticate' : undefined;
    case 19:
      return n === 'Proxy-Authorization' ? 'proxy-authorization' : undefined;
    default:
      return undefined;
  }
}

export function canonicalKey(name: string): string {
  const known = wellKnownKey(name);
  if (known !== undefined) return known;
  const key = lower(name);
  return (key.length === 1 && COMPACT_FORMS[key]) || key;
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
