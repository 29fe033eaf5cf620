// What `sipladder audit` measured about the user's own server: one record per exchange (each also
// an attempt on the ladder), the TLS handshakes and the optional burst. Probes fill it in; the
// rules in shared/audit/rules*.ts judge it, so a bundle's findings can be recomputed when opened.
import type { Transport } from '../model/trace.js';

export type AuditTestId = 'scanner' | 'enumeration' | 'unauthenticated' | 'digest' | 'transport' | 'rate-limit';

/** User-Agent values of well-known SIP scanners (field story 003: friendly-scanner, sipvicious, sipcli, VaxSIPUserAgent). */
export const SCANNER_USER_AGENTS = ['friendly-scanner', 'sipvicious', 'sipcli', 'VaxSIPUserAgent'] as const;

/**
 * Which exchange of which test: `baseline` is our own OPTIONS next to the scanners'; `existing` and
 * `random` compare the supplied user with a random non-existent one; `external` is the INVITE to an
 * outside number; `credentials` / `replay` / `remove` are the digest exchanges (own password only).
 */
export type AuditVariant =
  'baseline' | 'scanner' | 'existing' | 'random' | 'external' | 'credentials' | 'replay' | 'remove' | 'remove-unauthenticated' | 'tls' | 'burst';

export interface AuditExchange {
  /** AttemptResult id (and ladder column) of this exchange. */
  attempt: number;
  test: AuditTestId;
  variant: AuditVariant;
  method: 'OPTIONS' | 'REGISTER' | 'INVITE';
  transport: Transport;
  /** The User-Agent we sent (a scanner's for the scanner test). */
  userAgent: string;
  /** Final status, absent when none came. */
  status?: number;
  /** Provisional statuses seen before the final one (100, 180, 183 …). */
  provisional: number[];
  /** Realm of the challenge in a 401/407. */
  realm?: string;
  /** First request sent to final response, ms. */
  rttMs?: number;
  /** Bytes of the request (once) and of every distinct response to it, retransmissions left out (UDP amplification). */
  requestBytes: number;
  responseBytes: number;
  /** Trace seqs of this exchange's messages (requests sent, answers received). */
  seqs: number[];
  /** An INVITE we cancelled (RFC 3261 §9.1) because the server went ahead with it. */
  cancelled?: boolean;
}

export interface AuditTlsHandshake {
  /** What our side offered: one protocol version, or the weak cipher suites only. */
  offer: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3' | 'weak-ciphers';
  /** 'unsupported-here': this computer's TLS library cannot even offer it, so nothing was measured. */
  outcome: 'accepted' | 'refused' | 'unsupported-here' | 'no-connection';
  protocol?: string;
  cipher?: string;
  detail: string;
  /** The trace event of this handshake. */
  seq: number;
}

export interface AuditBurst {
  /** OPTIONS sent in the burst, each from its own flow, at the engine's rate limit. */
  sent: number;
  answered: number;
  /** 1-based index of the first request left unanswered, when one was. */
  firstUnanswered?: number;
  /** Most first sends within any one second (the engine's limit: 8). */
  peakPerSecond: number;
}

export interface AuditRecord {
  /** The user said they operate this server (`--i-operate-this-server`, the app's dialog). */
  confirmedOperator: true;
  /** The existing user supplied for the enumeration test, if any. */
  existingUser?: string;
  /** The random user that must not exist. */
  randomUser: string;
  /** The outside number of the open-relay test. */
  externalNumber: string;
  exchanges: AuditExchange[];
  tls: AuditTlsHandshake[];
  burst?: AuditBurst;
  /** Tests not run, and why (no user given, no password, --burst not given, no TLS port …). */
  skipped: Array<{ test: AuditTestId; reason: string }>;
}
