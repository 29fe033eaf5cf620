// Results of the network path probes (schema shares RESULTS_SCHEMA_VERSION with results.ts).
import type { FilteringBehaviour, MappingBehaviour } from '../stun/nat-behaviour.js';
import type { Endpoint } from './trace.js';

export interface PortPreservation {
  localPort: number;
  mappedPort?: number;
  preserved?: boolean;
  detail: string;
}

export interface BindingLifetime {
  /** Idle times tested, in seconds, and which of them the binding survived. */
  aliveAfter: number[];
  expiredAfter: number[];
  recommendation?: { seconds: number; bound: 'measured' | 'at-least' | 'below' };
  detail: string;
}

export interface StunNatResult {
  server: Endpoint & { host: string };
  outcome: 'ok' | 'no-response' | 'error' | 'aborted';
  detail: string;
  local?: Endpoint;
  /** XOR-MAPPED-ADDRESS of the first Binding: our public address as the server saw it. */
  mapped?: Endpoint;
  /** MAPPED-ADDRESS, when the server also sent it; differing from `mapped` means a middlebox rewrote it. */
  mappedPlain?: Endpoint;
  mappedRewritten?: boolean;
  otherAddress?: Endpoint;
  mapping?: MappingBehaviour;
  filtering?: FilteringBehaviour;
  hairpinning?: boolean;
  classic?: string;
  portPreservation: PortPreservation[];
  bindingLifetime?: BindingLifetime;
  /** Tests that could not run, each with the reason. */
  skipped: string[];
  durationMs: number;
  traceSeqs: number[];
}

/** One size in a fragmentation series. */
export interface SizePoint {
  /** The large direction's bytes: the request (upstream, echo) or the asked-for response (downstream). */
  size: number;
  /** Bytes of the request as sent (0 when not tried). */
  requestSize?: number;
  /** Bytes of the response asked of the reflector (X-SipLadder-Response-Size); absent against a registrar. */
  expectedResponseSize?: number;
  /** An answer arrived before the probe ended, on time or late. */
  delivered: boolean;
  /** The answer came after the probe had moved on to the next size (SIZE_WAIT_MS): late, not lost. */
  late?: boolean;
  /** First send to final response, ms (the delay, for a late answer). */
  rttMs?: number;
  sends: number;
  status?: number;
  /** Bytes of the response actually received. */
  responseSize?: number;
  /** Why it was not tried or what happened. */
  detail?: string;
  /** Found by bisection between ladder sizes. */
  bisection?: boolean;
}

export interface FragmentationSeries {
  transport: 'udp' | 'tcp';
  mode: 'upstream' | 'echo' | 'downstream';
  points: SizePoint[];
  largestDelivered?: number;
  smallestLost?: number;
}

export interface FragmentationResult {
  target: Endpoint & { host: string };
  outcome: 'ok' | 'no-response' | 'error' | 'aborted';
  detail: string;
  series: FragmentationSeries[];
  skipped: string[];
  durationMs: number;
  traceSeqs: number[];
}

/** One difference between what we sent and what the reflector received (or what came back). */
export interface AlgDifference {
  /** e.g. "Via sent-by", "Contact", "SDP c=", "Content-Length", "header added: X-Foo". */
  what: string;
  sent?: string;
  seen?: string;
  direction: 'request' | 'response';
}

export interface AlgCheck {
  transport: 'udp' | 'tcp';
  port: number;
  outcome: 'clean' | 'rewritten' | 'no-response' | 'error';
  differences: AlgDifference[];
  detail: string;
}

export interface AlgResult {
  target: Endpoint & { host: string };
  /** clean: every path delivered the request unchanged; incomplete: some paths gave no answer. */
  outcome: 'clean' | 'rewritten' | 'incomplete' | 'error';
  checks: AlgCheck[];
  durationMs: number;
  traceSeqs: number[];
}

/** Inbound reachability through the reflector, from one local port. */
export interface InboundCheck {
  localPort: number;
  /** The reflector's answer to our request (same remote port: passes any NAT filter). */
  responseReceived: boolean;
  /** The reflector's knock from a port we never sent to (passes only endpoint-independent or address-dependent filtering). */
  knockReceived: boolean;
  detail: string;
}

export interface InboundResult {
  target: Endpoint & { host: string };
  /** ok: every local port got the answer; lost: some did not. */
  outcome: 'ok' | 'lost' | 'error';
  checks: InboundCheck[];
  durationMs: number;
  traceSeqs: number[];
}
