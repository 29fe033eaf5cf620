// The requests of the exposure audit: OPTIONS, REGISTER and INVITE with a chosen User-Agent and
// Request-URI user, and the CANCEL / ACK that end an INVITE the server went ahead with
// (RFC 3261 §9.1, §17.1.1.3). Pure: addresses, ids and credentials are passed in.
import type { Transport } from '../model/trace.js';
import { serialize } from '../sip/serialize.js';
import { hostForSip } from '../sip/uri.js';

export interface AuditRequest {
  method: 'OPTIONS' | 'REGISTER' | 'INVITE';
  transport: Transport;
  domain: string;
  /** User of the Request-URI and To (absent: the domain itself, as a keep-alive OPTIONS does). */
  toUser?: string;
  /** User of From (and Contact). */
  fromUser: string;
  local: { address: string; port: number };
  branch: string;
  callId: string;
  fromTag: string;
  cseq: number;
  userAgent: string;
  /** REGISTER only. */
  expires?: number;
  /** Authorization and the like, in order. */
  extra?: ReadonlyArray<readonly [string, string]>;
}

const VIA_TRANSPORT: Record<Transport, string> = { udp: 'UDP', tcp: 'TCP', tls: 'TLS', ws: 'WS', wss: 'WSS' };

const uriOf = (user: string | undefined, domain: string): string =>
  `sip:${user ? `${encodeURIComponent(user).replace(/%2B/g, '+')}@` : ''}${hostForSip(domain)}`;

/** The Request-URI of a request (REGISTER always names the domain, RFC 3261 §10.2). */
export function requestUriOf(r: Pick<AuditRequest, 'method' | 'toUser' | 'domain'>): string {
  return uriOf(r.method === 'REGISTER' ? undefined : r.toUser, r.domain);
}

function headersOf(r: AuditRequest, method: string, toTag?: string): Array<readonly [string, string]> {
  const to = r.method === 'REGISTER' ? uriOf(r.fromUser, r.domain) : uriOf(r.toUser, r.domain);
  return [
    ['Via', `SIP/2.0/${VIA_TRANSPORT[r.transport]} ${hostForSip(r.local.address)}:${r.local.port};branch=${r.branch};rport`],
    ['Max-Forwards', '70'],
    ['From', `<${uriOf(r.fromUser, r.domain)}>;tag=${r.fromTag}`],
    ['To', `<${to}>${toTag ? `;tag=${toTag}` : ''}`],
    ['Call-ID', r.callId],
    ['CSeq', `${r.cseq} ${method}`],
  ];
}

/** The request itself; REGISTER's Contact is our own address only, never "*" (RFC 3261 §10.2.2). */
export function buildAuditRequest(r: AuditRequest): Uint8Array {
  const contact = `<sip:${encodeURIComponent(r.fromUser)}@${hostForSip(r.local.address)}:${r.local.port};transport=${r.transport}>`;
  const specific: Array<readonly [string, string]> =
    r.method === 'OPTIONS'
      ? [['Accept', 'application/sdp']]
      : r.method === 'REGISTER'
        ? [
            ['Contact', contact],
            ['Expires', String(r.expires ?? 0)],
          ]
        : [['Contact', contact]];
  return serialize({
    startLine: `${r.method} ${requestUriOf(r)} SIP/2.0`,
    headers: [...headersOf(r, r.method), ...specific, ['User-Agent', r.userAgent], ...(r.extra ?? [])],
  });
}

/** CANCEL of an INVITE: same Request-URI, Call-ID, From, To, CSeq number and top Via branch (RFC 3261 §9.1). */
export function buildCancel(invite: AuditRequest): Uint8Array {
  return serialize({ startLine: `CANCEL ${requestUriOf(invite)} SIP/2.0`, headers: [...headersOf(invite, 'CANCEL'), ['User-Agent', invite.userAgent]] });
}

/** ACK of a non-2xx final answer: same branch, To with the answer's tag (RFC 3261 §17.1.1.3). */
export function buildAckForFailure(invite: AuditRequest, toTag: string | undefined): Uint8Array {
  return serialize({ startLine: `ACK ${requestUriOf(invite)} SIP/2.0`, headers: [...headersOf(invite, 'ACK', toTag), ['User-Agent', invite.userAgent]] });
}

/**
 * ACK or BYE inside the dialog a 2xx to our INVITE created (RFC 3261 §13.2.2.4, §15.1.1): the
 * 2xx's Contact as Request-URI, its To tag, a new branch; the ACK keeps the INVITE's CSeq number.
 */
export function buildInDialog(invite: AuditRequest, method: 'ACK' | 'BYE', dialog: { toTag?: string; remoteTarget: string; branch: string }): Uint8Array {
  const cseq = method === 'ACK' ? invite.cseq : invite.cseq + 1;
  const headers = headersOf({ ...invite, branch: dialog.branch, cseq }, method, dialog.toTag);
  return serialize({ startLine: `${method} ${dialog.remoteTarget} SIP/2.0`, headers: [...headers, ['User-Agent', invite.userAgent]] });
}
