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
}
