// The trace is the single source of evidence: every probe appends events, and every view
// (attempt tables, ladders, findings) is computed from it.

export type Transport = 'udp' | 'tcp' | 'tls' | 'ws' | 'wss';
export const TRANSPORTS: readonly Transport[] = ['udp', 'tcp', 'tls', 'ws', 'wss'];

export interface Endpoint {
  address: string;
  port: number;
}

export type TraceKind = 'sent' | 'received' | 'socket' | 'dns' | 'timer' | 'tls' | 'stun';

export interface TraceEvent {
  seq: number;
  /** Milliseconds since the run started (monotonic clock). */
  t: number;
  /** Attempt id this event belongs to; 0 for run-level events such as DNS. */
  attempt: number;
  kind: TraceKind;
  transport?: Transport;
  local?: Endpoint;
  remote?: Endpoint;
  /** Raw bytes as sent or received, base64; Authorization response values are masked. */
  bytes?: string;
  size?: number;
  note?: string;
  /** The same message sent again (a request on Timer E, RFC 3261 §17.1.2.2; a STUN request, RFC 8489 §6.2.1): drawn dashed. */
  retransmission?: true;
  /** A DNS lookup that failed: the resolver's code (ENOTFOUND, ENODATA, ETIMEOUT, SERVFAIL, REFUSED …), for rules to read. */
  dnsError?: string;
}
