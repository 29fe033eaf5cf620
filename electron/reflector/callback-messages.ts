// The messages of the reflector's callback registrar: answers to REGISTER and to the schedule
// request (RFC 3261 §8.2.6), the callbacks themselves (an OPTIONS and a small INVITE to the
// registered Contact), and the ACK of the INVITE's final answer (§17.1.1.3).
import { toBase64 } from '../../shared/hash/utf8.js';
import { headerValues, type SipRequest, type SipResponse } from '../../shared/sip/message.js';
import { parseMessage } from '../../shared/sip/parse.js';
import { serialize, type OutgoingMessage } from '../../shared/sip/serialize.js';
import { hostForSip } from '../../shared/sip/uri.js';
import type { Endpoint } from '../../shared/model/trace.js';
import { CALLBACK_DELAY_HEADER, SENT_COPY_HEADER } from './callback-protocol.js';

const REASONS: Record<number, string> = { 200: 'OK', 400: 'Bad Request', 403: 'Forbidden', 503: 'Service Unavailable' };
const SERVER: readonly [string, string] = ['Server', 'sipladder-reflector'];

/** A callback request, its bytes, and whether anything answered it yet. */
export interface Outgoing {
  method: 'OPTIONS' | 'INVITE' | 'ACK';
  callId: string;
  request: SipRequest;
  bytes: Uint8Array;
  answered: boolean;
}

type Headers = Array<readonly [string, string]>;

/** `status` to `req` with the headers §8.2.6.2 copies, a To tag, and `extra`. */
export function answer(req: SipRequest, status: number, extra: Headers = []): Uint8Array {
  const copy = (name: string): Headers => headerValues(req, name).map((v) => [name, v] as const);
  const top = (headerValues(req, 'Via')[0] ?? '').replace(/;rport(?=;|$)/, '');
  const to = headerValues(req, 'To')[0] ?? '';
  return serialize({
    startLine: `SIP/2.0 ${status} ${REASONS[status] ?? 'Unknown'}`,
    headers: [
      ['Via', top],
      ...copy('Via').slice(1),
      ...copy('From'),
      ['To', /;tag=/.test(to) ? to : `${to};tag=sipladder-cb`],
      ...copy('Call-ID'),
      ...copy('CSeq'),
      ...extra,
      SERVER,
    ],
  });
}

export interface CallbackParams {
  binding: { contact: string; aor: string; local: Endpoint };
  delayS: number;
  id: () => string;
}

interface Ids {
  callId: string;
  branch: string;
  tag: string;
}

const freshIds = (p: CallbackParams): Ids => ({ callId: `${p.id()}@sipladder-reflector`, branch: `z9hG4bK-cb-${p.id()}`, tag: p.id() });

function outgoing(method: 'OPTIONS' | 'INVITE', p: CallbackParams, ids: Ids, specific: Headers, body?: string): Outgoing {
  const host = `${hostForSip(p.binding.local.address)}:${p.binding.local.port}`;
  const { callId } = ids;
  const message: OutgoingMessage = {
    startLine: `${method} ${p.binding.contact} SIP/2.0`,
    headers: [
      ['Via', `SIP/2.0/UDP ${host};branch=${ids.branch};rport`],
      ['Max-Forwards', '70'],
      ['From', `<sip:callback@${host}>;tag=${ids.tag}`],
      ['To', `<${p.binding.aor}>`],
      ['Call-ID', callId],
      ['CSeq', `1 ${method}`],
      ['Contact', `<sip:callback@${host}>`],
      [CALLBACK_DELAY_HEADER, String(p.delayS)],
      ...specific,
      SERVER,
    ],
    body,
  };
  const bytes = serialize(message);
  const parsed = parseMessage(bytes);
  if (!parsed.ok || parsed.message.kind !== 'request') throw new Error(`callback ${method} does not parse: ${p.binding.contact}`);
  return { method, callId, request: parsed.message, bytes, answered: false };
}

export const callbackOptions = (p: CallbackParams): Outgoing => outgoing('OPTIONS', p, freshIds(p), []);

/**
 * A small INVITE with a minimal SDP offer naming the reflector (RFC 4566; port 9, no media is
 * sent), and a base64 copy of itself as sent, so the client can see what changed on the way.
 */
export function callbackInvite(p: CallbackParams): Outgoing {
  const address = p.binding.local.address;
  const ip = address.includes(':') ? 'IP6' : 'IP4';
  const sdp = `v=0\r\no=sipladder 1 1 IN ${ip} ${address}\r\ns=callback test\r\nc=IN ${ip} ${address}\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\na=inactive\r\n`;
  const ids = freshIds(p);
  const plain = outgoing('INVITE', p, ids, [['Content-Type', 'application/sdp']], sdp);
  return outgoing(
    'INVITE',
    p,
    ids,
    [
      ['Content-Type', 'application/sdp'],
      [SENT_COPY_HEADER, toBase64(plain.bytes)],
    ],
    sdp,
  );
}

/** ACK of a non-2xx final answer: same Request-URI, Via branch, From, Call-ID and CSeq number; To from the answer. */
export function ackFor(invite: SipRequest, res: SipResponse): Uint8Array {
  const one = (name: string): string => headerValues(invite, name)[0] ?? '';
  return serialize({
    startLine: `ACK ${invite.requestUri} SIP/2.0`,
    headers: [
      ['Via', one('Via')],
      ['Max-Forwards', '70'],
      ['From', one('From')],
      ['To', headerValues(res, 'To')[0] ?? one('To')],
      ['Call-ID', one('Call-ID')],
      ['CSeq', `${invite.cseq?.seq ?? 1} ACK`],
      SERVER,
    ],
  });
}
