// Versioned, serialisable results of `check` (documented in README "JSON results").
import type { AlgResult, FragmentationResult, InboundResult, StunNatResult } from './path-results.js';
import type { Endpoint, TraceEvent, Transport } from './trace.js';
import type { AuditRecord } from '../audit/model.js';

/** Bumped on any incompatible change; readers refuse newer majors with a clear message. */
export const RESULTS_SCHEMA_VERSION = 1;

export type AttemptOutcome =
  | 'registered' // 200 OK to REGISTER (binding removed again right after)
  | 'rejected' // final error response before/without authentication (e.g. 403, 404, 503)
  | 'auth-failed' // credentials rejected: 403 after auth, or a second non-stale challenge
  | 'auth-skipped' // challenged, but no answer sent (no password, or the run's auth-failure budget is spent)
  | 'challenged-no-answer' // challenged, answered, then silence
  | 'answered' // imported capture: a request other than REGISTER got a 2xx (an OPTIONS, a call)
  | 'redirected' // 3xx
  | 'no-response' // nothing came back before the deadline
  | 'refused' // ICMP port unreachable or TCP RST on connect
  | 'unreachable' // ICMP host/network unreachable, no route
  | 'reset' // connection reset or closed mid-transaction
  | 'tls-failure' // handshake or certificate verification failed
  | 'protocol-error' // the peer sent something that is not valid SIP
  | 'bind-failed' // the local source port could not be used
  | 'dns-failure' // the server name did not resolve for this transport
  | 'aborted'; // cancelled by the user

export type SourcePortMode = 'fixed-5060' | 'ephemeral' | 'user';

export interface CertificateInfo {
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  subjectAltNames: string[];
  fingerprint256: string;
}

export interface TlsInfo {
  verified: boolean;
  /** Why verification failed (e.g. CERT_HAS_EXPIRED, hostname mismatch), if it did. */
  verifyError?: string;
  servername: string;
  protocol?: string;
  cipher?: string;
  certificate?: CertificateInfo;
}

/** What the server reported about our request's top Via (RFC 3581 received/rport). */
export interface ViaReport {
  sentBy: string;
  rportRequested: boolean;
  received?: string;
  rport?: number;
}

export interface AttemptResult {
  id: number;
  label: string;
  transport: Transport;
  target: Endpoint & { host: string };
  sourcePortMode: SourcePortMode;
  rport: boolean;
  localPort?: number;
  localAddress?: string;
  outcome: AttemptOutcome;
  /** Final status code seen, if any. */
  status?: number;
  reason?: string;
  /** Plain statement of what ended the attempt (which timer or event). */
  detail: string;
  durationMs: number;
  startedAt: number;
  requestsSent: number;
  retransmissions: number;
  via?: ViaReport;
  /** Responses that arrived from another address/port than the request was sent to. */
  responsesFromElsewhere: Endpoint[];
  /** Set when registered: was the binding removed again? */
  unregistered?: boolean;
  tls?: TlsInfo;
  /** Trace seqs of this attempt (the events themselves live in CheckResult.trace). */
  traceSeqs: number[];
  /** Set for the app page's own registration: sip.js over the browser's WebSocket and TLS (renderer/src/webrtc). */
  browser?: BrowserAttemptInfo;
}

/** What only the browser attempt has: the page's origin and what the main process saw of it. */
export interface BrowserAttemptInfo {
  /** The page's origin, sent by the browser as the handshake's Origin header (RFC 6455 §4.1). */
  origin: string;
  /** The WebSocket opened (the browser tells nothing more when it does not: no status, no TLS error). */
  connected: boolean;
  /** The same handshake made by the main process with this Origin: the HTTP status the server answered (101 = accepted). */
  originHandshakeStatus?: number;
}

export interface DnsStep {
  query: string;
  type: 'NAPTR' | 'SRV' | 'A' | 'AAAA';
  answers: string[];
  error?: string;
  /** The resolver's error code when the lookup failed (ENOTFOUND, ENODATA, ETIMEOUT …; "unknown" without one). */
  code?: string;
  durationMs: number;
}

export interface CheckAccountSummary {
  server: string;
  port?: number;
  domain: string;
  user: string;
  authUser: string;
  transports: Transport[];
  /** Explicit ports given for the check (each skips SRV for its transport). */
  ports?: Partial<Record<Transport, number>>;
  /** Whether a password was supplied; the password itself is never stored. */
  passwordGiven: boolean;
}

export interface IncompleteRun {
  reason: 'cancelled' | 'path-probes-running';
  /** What is missing, in words ("cancelled after 2.1 s; not finished: TCP, STUN NAT behaviour"). */
  detail: string;
}

export interface CaptureOrigin {
  /** File name as given (no directories). */
  file: string;
  format: 'pcap' | 'ngrep';
  packets: number;
  sipMessages: number;
  /** What the reader left out, in words ("" when nothing). */
  leftOut: string;
}

export interface CheckResult {
  schemaVersion: number;
  tool: { name: 'sipladder'; version: string };
  /** 'capture' when built from an imported capture (not probed by us), 'audit' for `sipladder audit`; absent for a check. */
  origin?: 'check' | 'capture' | 'audit';
  /** For an imported capture: where it came from (instead of an account; no computer of ours took part). */
  capture?: CaptureOrigin;
  startedAt: string; // ISO wall-clock time, for the report only
  durationMs: number;
  account: CheckAccountSummary;
  dns: DnsStep[];
  attempts: AttemptResult[];
  /** Network path probes run after the registration matrix (absent when skipped or not configured). */
  pathProbes?: { stun?: StunNatResult; fragmentation?: FragmentationResult; alg?: AlgResult; inbound?: InboundResult };
  /** Failed authentications across the whole run (never more than the safety budget). */
  authFailures: number;
  /**
   * Set when the run did not finish: cancelled by the user, or a snapshot taken while the path
   * probes still run. Unfinished attempts are 'aborted'; unfinished path probes are left out.
   */
  incomplete?: IncompleteRun;
  trace: TraceEvent[];
  /** For an exposure audit (origin 'audit'): what each test measured (shared/audit/model.ts). */
  audit?: AuditRecord;
}
