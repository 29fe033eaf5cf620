// A connected SIP flow to one server over one transport: what the registration probe talks through.
import type { AttemptOutcome, TlsInfo } from '../../../shared/model/results.js';
import type { Endpoint, Transport } from '../../../shared/model/trace.js';

export type ChannelFailure = Extract<
  AttemptOutcome,
  'refused' | 'unreachable' | 'reset' | 'tls-failure' | 'protocol-error' | 'bind-failed' | 'no-response' | 'aborted'
>;

export interface ChannelHandlers {
  /** One complete SIP message (datagram, stream frame, or WebSocket message) and where it came from. */
  message(bytes: Uint8Array, from: Endpoint): void;
  /** CRLF keep-alives and other non-message traffic worth tracing. */
  other(bytes: Uint8Array, note: string): void;
  /** The flow failed (ICMP error, reset, framing error...). */
  failure(kind: ChannelFailure, detail: string): void;
}

export interface SipChannel {
  readonly transport: Transport;
  readonly local: Endpoint;
  readonly remote: Endpoint;
  send(bytes: Uint8Array): void;
  /**
   * UDP only: send from the same local port to another address, e.g. a response to a request that
   * came from elsewhere (RFC 3261 §18.2.2: to the source address and port of the request).
   */
  sendTo?(bytes: Uint8Array, to: Endpoint): void;
  close(): void;
}

export interface OpenOptions {
  transport: Transport;
  /** The server's name (for SNI, certificate checks and the WS Host header) and resolved address. */
  host: string;
  remote: Endpoint;
  localPort?: number;
  /** Verify the TLS certificate chain and host name. */
  tlsVerify: boolean;
  /** Extra trusted CA certificates (PEM), e.g. a provider's private CA. */
  caPem?: string;
  wsPath: string;
  connectTimeoutMs: number;
  handlers: ChannelHandlers;
  signal: AbortSignal;
}

export type OpenResult =
  { ok: true; channel: SipChannel; tls?: TlsInfo; note?: string } | { ok: false; outcome: ChannelFailure; detail: string; tls?: TlsInfo; localPort?: number };

/** Maps socket error codes to outcomes a user can read. */
export function classifySocketError(err: NodeJS.ErrnoException): { outcome: ChannelFailure; detail: string } {
  switch (err.code) {
    case 'ECONNREFUSED':
      return { outcome: 'refused', detail: 'connection refused (ICMP port unreachable or TCP RST): nothing listens on that port' };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
    case 'ENETDOWN':
      return { outcome: 'unreachable', detail: `no route to the server (${err.code})` };
    case 'ECONNRESET':
    case 'EPIPE':
      return { outcome: 'reset', detail: `connection reset by the peer (${err.code})` };
    case 'ETIMEDOUT':
      return { outcome: 'no-response', detail: 'connection attempt timed out' };
    case 'EADDRINUSE':
    case 'EACCES':
    case 'EADDRNOTAVAIL':
      return { outcome: 'bind-failed', detail: `local port not usable (${err.code})` };
    default:
      return { outcome: 'reset', detail: `${err.code ?? 'socket error'}: ${err.message}` };
  }
}
