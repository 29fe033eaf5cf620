// Client side of the reflector's return-routability cookie (README "Reflector"): over UDP the
// reflector never answers an unproven source with more bytes than it sent, so a probe that wants a
// large answer (mirror, sized response, knock) first fetches a cookie with a padded OPTIONS and then
// echoes it in `X-SipLadder-Cookie`. Streams (TCP, TLS, WS) are proven by their handshake.
import { headerValue, type SipMessage } from '../../../shared/sip/message.js';
import type { IdSource } from '../../../shared/sip/ids.js';
import { buildSizedOptions, COOKIE_HEADER, type RequestParams } from '../../../shared/sip/requests.js';
import type { SipFlow } from '../sip-flow.js';

/**
 * Padding added to the cookie-fetching OPTIONS: the reflector's answer without the mirror body adds
 * at most ~150 bytes to what it copies from the request (received/rport, To tag, Server, Transport,
 * Source and Cookie headers, minus our Max-Forwards, Accept and User-Agent), so this always suffices.
 */
export const COOKIE_FETCH_PADDING_BYTES = 256;
/** How long a cookie fetch may take (UDP retransmissions at 0, 0.5, 1.5 s per RFC 3261 Timer E). */
export const COOKIE_FETCH_WAIT_MS = 2000;

/** The cookie a reflector answer carries, or null (no header: not a reflector, or a stream). */
export function cookieOf(msg: SipMessage): string | null {
  return headerValue(msg, COOKIE_HEADER)?.trim() || null;
}

/** `p` with the cookie header appended to its extra headers. */
export function withCookie<P extends RequestParams>(p: P, cookie: string): P {
  return { ...p, extra: [...(p.extra ?? []), [COOKIE_HEADER, cookie] as const] };
}

/** An OPTIONS padded so that the reflector answers it (with a cookie) before routability is proven. */
export function cookieFetchOptions(p: RequestParams, wsHost = ''): { bytes: Uint8Array; callId: string } {
  const bare = buildSizedOptions(p, wsHost, 'upstream', 0);
  return buildSizedOptions(p, wsHost, 'upstream', bare.bytes.length + COOKIE_FETCH_PADDING_BYTES);
}

export interface CookieFetch {
  domain: string;
  user: string;
  ids: IdSource;
  /** Next CSeq number on the flow's dialog-less sequence (callers that count CSeq pass theirs). */
  cseq?: number;
  waitMs?: number;
}

/** `answered`: the padded OPTIONS got a final response; `cookie`: the one it carried (null from other servers). */
export interface CookieResult {
  answered: boolean;
  cookie: string | null;
}

/**
 * Fetches this flow's cookie with one padded OPTIONS transaction (traced like any other). Over
 * streams it sends nothing and returns { answered: true, cookie: null }: the handshake is the proof.
 */
export async function fetchReflectorCookie(flow: SipFlow, o: CookieFetch): Promise<CookieResult> {
  if (flow.channel.transport !== 'udp') return { answered: true, cookie: null };
  const branch = o.ids.branch();
  const req = cookieFetchOptions({
    transport: 'udp',
    domain: o.domain,
    user: o.user,
    local: flow.channel.local,
    rport: true,
    branch,
    callId: o.ids.callId(),
    fromTag: o.ids.tag(),
    cseq: o.cseq ?? 1,
  });
  const tx = await flow.transaction(
    req.bytes,
    { branch, callId: req.callId, method: 'OPTIONS' },
    o.waitMs ?? COOKIE_FETCH_WAIT_MS,
    'OPTIONS to fetch the reflector cookie (padded)',
  );
  return tx.kind === 'response' ? { answered: true, cookie: cookieOf(tx.msg) } : { answered: false, cookie: null };
}
