// Builds REGISTER requests (RFC 3261 §10.2). Pure: addresses, ids and credentials are passed in.
import type { Transport } from '../model/trace.js';
import { hostForSip } from './uri.js';
import type { OutgoingMessage } from './serialize.js';

export const USER_AGENT = 'SIPLadder/0.1 (registration diagnostics)';

export interface RegisterParams {
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
  expires: number;
  /** Extra headers such as Authorization, in order. */
  extra?: ReadonlyArray<readonly [string, string]>;
}

const VIA_TRANSPORT: Record<Transport, string> = { udp: 'UDP', tcp: 'TCP', tls: 'TLS', ws: 'WS', wss: 'WSS' };

/** The Contact URI for a transport; for WebSockets RFC 7118 §5.2 uses an .invalid host. */
export function contactUri(p: Pick<RegisterParams, 'transport' | 'user' | 'local'>, wsHost: string): string {
  const user = encodeURIComponent(p.user).replace(/%40/g, '@');
  if (p.transport === 'ws' || p.transport === 'wss') return `sip:${user}@${wsHost};transport=ws`;
  return `sip:${user}@${hostForSip(p.local.address)}:${p.local.port};transport=${p.transport}`;
}

export function buildRegister(p: RegisterParams, wsHost: string): { message: OutgoingMessage; requestUri: string; contact: string } {
  const aor = `sip:${encodeURIComponent(p.user).replace(/%40/g, '@')}@${hostForSip(p.domain)}`;
  const requestUri = `sip:${hostForSip(p.domain)}`;
  const sentBy = p.transport === 'ws' || p.transport === 'wss' ? wsHost : `${hostForSip(p.local.address)}:${p.local.port}`;
  const contact = contactUri(p, wsHost);
  const headers: Array<readonly [string, string]> = [
    ['Via', `SIP/2.0/${VIA_TRANSPORT[p.transport]} ${sentBy};branch=${p.branch}${p.rport ? ';rport' : ''}`],
    ['Max-Forwards', '70'],
    ['From', `<${aor}>;tag=${p.fromTag}`],
    ['To', `<${aor}>`],
    ['Call-ID', p.callId],
    ['CSeq', `${p.cseq} REGISTER`],
    // Always one explicit Contact: a wildcard "*" would remove every device's binding (§10.2.2).
    ['Contact', `<${contact}>`],
    ['Expires', String(p.expires)],
    ['User-Agent', USER_AGENT],
    ...(p.extra ?? []),
  ];
  return { message: { startLine: `REGISTER ${requestUri} SIP/2.0`, headers }, requestUri, contact };
}
