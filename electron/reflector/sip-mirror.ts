// The reflector's SIP side: answers OPTIONS with the request exactly as it arrived, base64 in the
// body so that no ALG on the way back can rewrite it, and sizes responses on request.
import { toBase64 } from '../../shared/hash/utf8.js';
import type { SipRequest } from '../../shared/sip/message.js';
import { parseMessage } from '../../shared/sip/parse.js';
import { KNOCK_HEADER, KNOCK_PREFIX, RESPONSE_SIZE_HEADER } from '../../shared/sip/requests.js';
import { serialize } from '../../shared/sip/serialize.js';
import type { Endpoint } from '../../shared/model/trace.js';

export const MIRROR_CONTENT_TYPE = 'application/x-sipladder-mirror';

/** The knock payload a request asks for, or null (UDP only; only ever to the request's own source). */
export function knockFor(raw: Uint8Array): Uint8Array | null {
  const parsed = parseMessage(raw);
  if (!parsed.ok || parsed.message.kind !== 'request') return null;
  const wants = parsed.message.headers.some((h) => h.key === KNOCK_HEADER.toLowerCase() && h.value.trim() === 'source');
  return wants && parsed.message.callId ? new TextEncoder().encode(KNOCK_PREFIX + parsed.message.callId) : null;
}
/** Largest response the reflector sends when asked for a size (the fragmentation ladder's top). */
export const MAX_SIZED_RESPONSE = 8192;

/** Builds the response to one request, or null when it must not be answered (not SIP, not a request). */
export function mirrorResponse(raw: Uint8Array, from: Endpoint, transport: string): Uint8Array | null {
  const parsed = parseMessage(raw);
  if (!parsed.ok || parsed.message.kind !== 'request' || parsed.message.method === 'ACK') return null;
  const req = parsed.message as SipRequest;
  const echo = (key: string): Array<readonly [string, string]> => req.headers.filter((h) => h.key === key).map((h) => [h.name, h.value] as const);
  const vias = echo('via');
  if (vias.length === 0) return null;
  // RFC 3581 §4 and RFC 3261 §18.2.1: tell the client where its request came from.
  const top = vias[0]![1].replace(/;rport(?=;|$)/, `;rport=${from.port}`) + `;received=${from.address}`;
  const ok = req.method === 'OPTIONS';
  const headers: Array<readonly [string, string]> = [
    ['Via', top], ...vias.slice(1),
    ...echo('from'), ...echo('to').map(([n, v]) => [n, /;tag=/.test(v) ? v : `${v};tag=sipladder-reflector`] as const),
    ...echo('call-id'), ...echo('cseq'),
    ['Server', 'sipladder-reflector'],
    ['X-SipLadder-Transport', transport],
    ['X-SipLadder-Source', `${from.address}:${from.port}`],
  ];
  const body = ok ? toBase64(raw) : '';
  if (ok) headers.push(['Content-Type', MIRROR_CONTENT_TYPE]);
  const startLine = ok ? 'SIP/2.0 200 OK' : 'SIP/2.0 405 Method Not Allowed';
  const wanted = Number(req.headers.find((h) => h.key === RESPONSE_SIZE_HEADER.toLowerCase())?.value);
  if (ok && Number.isInteger(wanted) && wanted > 0) {
    const size = Math.min(wanted, MAX_SIZED_RESPONSE);
    // Sized responses carry no mirror body: they only exist to be large.
    const bare = serialize({ startLine, headers: [...headers.filter(([n]) => n !== 'Content-Type'), ['X-SipLadder-Padding', 'x']] });
    const pad = Math.max(1, size - bare.length + 1);
    return serialize({ startLine, headers: [...headers.filter(([n]) => n !== 'Content-Type'), ['X-SipLadder-Padding', 'x'.repeat(pad)]] });
  }
  return serialize({ startLine, headers, body });
}
