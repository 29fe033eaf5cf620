// Responses a user agent server sends to requests that reach the registered flow (RFC 3261 §8.2.6):
// the headers every response copies from its request, a To tag on everything but 100 (§8.2.6.2).
import { headerValues, type SipRequest } from '../../../shared/sip/message.js';
import { USER_AGENT } from '../../../shared/sip/requests.js';
import { serialize } from '../../../shared/sip/serialize.js';

const REASONS: Record<number, string> = {
  100: 'Trying',
  180: 'Ringing',
  200: 'OK',
  405: 'Method Not Allowed',
  481: 'Call/Transaction Does Not Exist',
  486: 'Busy Here',
  487: 'Request Terminated',
};

/** Methods this test answers (Allow on a 405, RFC 3261 §21.4.6). */
export const ALLOWED_METHODS = 'INVITE, ACK, CANCEL, OPTIONS, BYE';

/**
 * `status` to `req`; `toTag` is added to To unless the request already has one or the status is
 * 100 (§8.2.6.2: the tag identifies our side of the early dialog that 180 creates).
 */
export function responseTo(req: SipRequest, status: number, toTag: string, extra: Array<readonly [string, string]> = []): Uint8Array {
  const copy = (name: string): Array<readonly [string, string]> => headerValues(req, name).map((v) => [name, v] as const);
  const to = headerValues(req, 'To')[0] ?? '';
  const tagged = status === 100 || /;\s*tag=/i.test(to) ? to : `${to};tag=${toTag}`;
  return serialize({
    startLine: `SIP/2.0 ${status} ${REASONS[status] ?? 'Unknown'}`,
    headers: [...copy('Via'), ...copy('From'), ['To', tagged], ...copy('Call-ID'), ...copy('CSeq'), ...extra, ['Server', USER_AGENT]],
  });
}
