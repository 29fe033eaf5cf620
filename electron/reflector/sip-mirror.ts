// The reflector's SIP side: answers OPTIONS with the request exactly as it arrived, base64 in the
// body so that no ALG on the way back can rewrite it, and sizes responses on request. Over UDP an
// answer to a source that has not proven return routability (no valid cookie) is never larger than
// the request that caused it (README "Reflector": no amplification toward spoofed victims).
import { toBase64 } from '../../shared/hash/utf8.js';
import { headerValue, type SipRequest } from '../../shared/sip/message.js';
import { parseMessage } from '../../shared/sip/parse.js';
import { COOKIE_HEADER, KNOCK_HEADER, KNOCK_PREFIX, PADDING_HEADER, RESPONSE_SIZE_HEADER } from '../../shared/sip/requests.js';
import { serialize } from '../../shared/sip/serialize.js';
import type { Endpoint } from '../../shared/model/trace.js';

export const MIRROR_CONTENT_TYPE = 'application/x-sipladder-mirror';
/** Largest response the reflector sends when asked for a size (the fragmentation ladder's top). */
export const MAX_SIZED_RESPONSE = 8192;
/** Largest single answer on any transport: a bigger mirror is sent without its body. */
export const MAX_ANSWER_BYTES = MAX_SIZED_RESPONSE;

/** UDP only: the cookie to hand out with the answer, and how to check the one the request carries. */
export interface UdpCookie {
  /** The cookie for the request's source (computed only when an answer is built). */
  issue(): string;
  valid(text: string): boolean;
}

export type Reflection =
  | { kind: 'ignored' }
  /** `proven`: the request showed return routability (stream, or a valid cookie). */
  | { kind: 'answer'; bytes: Uint8Array; knock: Uint8Array | null; proven: boolean; note: string }
  /** Even the smallest answer would be larger than the unproven request: nothing is sent. */
  | { kind: 'withheld'; smallest: number };

type Headers = Array<readonly [string, string]>;

/** RFC 3261 §8.2.6.2: the headers every response copies from its request; null without a Via. */
function copiedHeaders(req: SipRequest, from: Endpoint): Headers | null {
  const echo = (key: string): Headers => req.headers.filter((h) => h.key === key).map((h) => [h.name, h.value] as const);
  const vias = echo('via');
  if (vias.length === 0) return null;
  // RFC 3581 §4 and RFC 3261 §18.2.1: tell the client where its request came from.
  const top = vias[0]![1].replace(/;rport(?=;|$)/, `;rport=${from.port}`) + `;received=${from.address}`;
  return [
    ['Via', top],
    ...vias.slice(1),
    ...echo('from'),
    ...echo('to').map(([n, v]) => [n, /;tag=/.test(v) ? v : `${v};tag=sipladder-reflector`] as const),
    ...echo('call-id'),
    ...echo('cseq'),
  ];
}

/** A response of `size` bytes (or the smallest this message can be, when `size` is below that). */
function sized(startLine: string, headers: Headers, size: number): Uint8Array {
  const bare = serialize({ startLine, headers: [...headers, [PADDING_HEADER, 'x']] });
  return serialize({ startLine, headers: [...headers, [PADDING_HEADER, 'x'.repeat(Math.max(1, size - bare.length + 1))]] });
}

/**
 * The answers to one request, best first, each built only when asked for: the full one (mirror
 * body, or the requested size), the same without the mirror body, and the minimal one of §8.2.6.2
 * plus the cookie. The mirror body is a base64 copy of the request: not built when it cannot fit.
 */
function candidates(
  req: SipRequest,
  copied: Headers,
  raw: Uint8Array,
  from: Endpoint,
  transport: string,
  cookie: string | undefined,
  limit: number,
): Array<[string, () => Uint8Array]> {
  const ok = req.method === 'OPTIONS';
  const startLine = ok ? 'SIP/2.0 200 OK' : 'SIP/2.0 405 Method Not Allowed';
  const cookieHeaders: Headers = cookie ? [[COOKIE_HEADER, cookie]] : [];
  const headers: Headers = [
    ...copied,
    ['Server', 'sipladder-reflector'],
    ['X-SipLadder-Transport', transport],
    ['X-SipLadder-Source', `${from.address}:${from.port}`],
    ...cookieHeaders,
  ];
  const minimal: [string, () => Uint8Array] = ['minimal answer', () => serialize({ startLine, headers: [...copied, ...cookieHeaders] })];
  const bare = (note: string): [string, () => Uint8Array] => [note, () => serialize({ startLine, headers })];
  const wanted = Number(headerValue(req, RESPONSE_SIZE_HEADER));
  // Sized responses carry no mirror body: they only exist to be large.
  if (ok && Number.isInteger(wanted) && wanted > 0)
    return [['', () => sized(startLine, headers, Math.min(wanted, MAX_SIZED_RESPONSE, limit))], bare('padding omitted'), minimal];
  // Base64 makes the body 4/3 of the request: larger than an unproven request by itself.
  if (!ok) return [bare(''), minimal];
  if (Math.ceil(raw.length / 3) * 4 > limit) return [bare('mirror body omitted'), minimal];
  return [
    ['', () => serialize({ startLine, headers: [...headers, ['Content-Type', MIRROR_CONTENT_TYPE]], body: toBase64(raw) })],
    bare('mirror body omitted'),
    minimal,
  ];
}

/** The knock payload a request asks for, or null (only ever to the request's own source). */
function knockFor(req: SipRequest): Uint8Array | null {
  const wants = headerValue(req, KNOCK_HEADER)?.trim() === 'source';
  return wants && req.callId ? new TextEncoder().encode(KNOCK_PREFIX + req.callId) : null;
}

/**
 * What to send for one request. Streams pass no `cookie` (the handshake proved the source); over
 * UDP the answer carries the source's cookie, and without a valid cookie in the request it is at
 * most as large as the request, with no knock.
 */
export function reflect(raw: Uint8Array, from: Endpoint, transport: string, cookie?: UdpCookie): Reflection {
  const parsed = parseMessage(raw);
  if (!parsed.ok || parsed.message.kind !== 'request' || parsed.message.method === 'ACK') return { kind: 'ignored' };
  const req = parsed.message;
  const copied = copiedHeaders(req, from);
  if (!copied) return { kind: 'ignored' };
  const carried = cookie ? headerValue(req, COOKIE_HEADER)?.trim() : undefined;
  const proven = !cookie || (carried !== undefined && cookie.valid(carried));
  const limit = Math.min(MAX_ANSWER_BYTES, proven ? Infinity : raw.length);
  const options = candidates(req, copied, raw, from, transport, cookie?.issue(), limit);
  let smallest = Infinity;
  for (const [note, build] of options) {
    const bytes = build();
    if (bytes.length <= limit) return { kind: 'answer', bytes, knock: proven && cookie ? knockFor(req) : null, proven, note };
    smallest = Math.min(smallest, bytes.length);
  }
  return { kind: 'withheld', smallest };
}
