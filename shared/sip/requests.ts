// Builds the requests the probes send: REGISTER (RFC 3261 §10.2) and OPTIONS (§11) padded to an
// exact size for the fragmentation test. Pure: addresses, ids and credentials are passed in.
import type { Transport } from '../model/trace.js';
import { serialize, type OutgoingMessage } from './serialize.js';
import { hostForSip } from './uri.js';

export const USER_AGENT = 'SIPLadder/0.1 (registration diagnostics)';

export interface RequestParams {
  transport: Transport;
  /** Registrar domain: Request-URI and To/From host. */
  domain: string;
  user: string;
  /** Our sent-by (Via) and Contact address. */
  local: { address: string; port: number };
  /** Ask for rport (RFC 3581 §3). */
  rport: boolean;
  branch: string;
  callId: string;
  fromTag: string;
  cseq: number;
  /** Extra headers such as Authorization, in order. */
  extra?: ReadonlyArray<readonly [string, string]>;
}

export interface RegisterParams extends RequestParams {
  expires: number;
}

const VIA_TRANSPORT: Record<Transport, string> = { udp: 'UDP', tcp: 'TCP', tls: 'TLS', ws: 'WS', wss: 'WSS' };
const isWs = (t: Transport): boolean => t === 'ws' || t === 'wss';
const userPart = (user: string): string => encodeURIComponent(user).replace(/%40/g, '@');

/** The Contact URI for a transport; for WebSockets RFC 7118 §5.2 uses an .invalid host. */
export function contactUri(p: Pick<RequestParams, 'transport' | 'user' | 'local'>, wsHost: string): string {
  if (isWs(p.transport)) return `sip:${userPart(p.user)}@${wsHost};transport=ws`;
  return `sip:${userPart(p.user)}@${hostForSip(p.local.address)}:${p.local.port};transport=${p.transport}`;
}

/** Start line and the headers every request carries (§8.1.1), then `specific`, then `extra`. */
function buildRequest(method: string, p: RequestParams, wsHost: string, specific: Array<readonly [string, string]>): OutgoingMessage {
  const aor = `sip:${userPart(p.user)}@${hostForSip(p.domain)}`;
  const sentBy = isWs(p.transport) ? wsHost : `${hostForSip(p.local.address)}:${p.local.port}`;
  return {
    startLine: `${method} sip:${hostForSip(p.domain)} SIP/2.0`,
    headers: [
      ['Via', `SIP/2.0/${VIA_TRANSPORT[p.transport]} ${sentBy};branch=${p.branch}${p.rport ? ';rport' : ''}`],
      ['Max-Forwards', '70'],
      ['From', `<${aor}>;tag=${p.fromTag}`],
      ['To', `<${aor}>`],
      ['Call-ID', p.callId],
      ['CSeq', `${p.cseq} ${method}`],
      ...specific,
      ['User-Agent', USER_AGENT],
      ...(p.extra ?? []),
    ],
  };
}

export function buildRegister(p: RegisterParams, wsHost: string): { message: OutgoingMessage; requestUri: string; contact: string } {
  const contact = contactUri(p, wsHost);
  // Always one explicit Contact: a wildcard "*" would remove every device's binding (§10.2.2).
  const message = buildRequest('REGISTER', p, wsHost, [
    ['Contact', `<${contact}>`],
    ['Expires', String(p.expires)],
  ]);
  return { message, requestUri: `sip:${hostForSip(p.domain)}`, contact };
}

/**
 * Where the padding of a sized OPTIONS goes:
 * - 'upstream': an extension header the server does not echo, so only the request is large;
 * - 'echo': the Call-ID, which every response must copy (§8.2.6.2), so both directions are large;
 * - 'downstream': a small request asking the SIP Ladder reflector for a response of the size.
 */
export type PaddingMode = 'upstream' | 'echo' | 'downstream';

/** Request header asking the reflector for a knock: a datagram from a port of its that the client never contacted, to the request's source. */
export const KNOCK_HEADER = 'X-SipLadder-Knock';
/** Payload of a knock, followed by the request's Call-ID so the client can match it. */
export const KNOCK_PREFIX = 'SIPLADDER-KNOCK ';

/** Header the reflector reads to size its response. */
export const RESPONSE_SIZE_HEADER = 'X-SipLadder-Response-Size';
/**
 * Return-routability cookie: every UDP answer of the reflector carries the cookie for the request's
 * source; a request that echoes it proves it receives our packets (sized answers, mirror, knock).
 */
export const COOKIE_HEADER = 'X-SipLadder-Cookie';
/** Header that only makes a request larger (the reflector never echoes it). */
export const PADDING_HEADER = 'X-SipLadder-Padding';

/** An OPTIONS request of exactly `size` bytes (or the smallest possible, if `size` is below that). */
export function buildSizedOptions(p: RequestParams, wsHost: string, mode: PaddingMode, size: number): { bytes: Uint8Array; callId: string } {
  const build = (pad: string): { bytes: Uint8Array; callId: string } => {
    const callId = mode === 'echo' && pad ? `${pad}-${p.callId}` : p.callId;
    const specific: Array<readonly [string, string]> = [['Accept', 'application/sdp']];
    if (mode === 'upstream' && pad) specific.push([PADDING_HEADER, pad]);
    if (mode === 'downstream') specific.push([RESPONSE_SIZE_HEADER, String(size)]);
    return { bytes: serialize(buildRequest('OPTIONS', { ...p, callId }, wsHost, specific)), callId };
  };
  const bare = build('');
  if (mode === 'downstream' || bare.bytes.length >= size) return bare;
  // One extra byte for the separator ("-" or ": "), so compute from a one-character pad.
  const one = build('x');
  return build('x'.repeat(Math.max(1, size - one.bytes.length + 1)));
}
