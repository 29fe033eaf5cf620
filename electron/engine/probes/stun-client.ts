// One STUN Binding transaction over a UDP endpoint (RFC 8489 §6.2.1): retransmit with RTO
// starting at 500 ms and doubling, bounded by a probe deadline rather than Rc×RTO (39.5 s).
import { attr, bindingAddresses, errorCode, paddingToReach } from '../../../shared/stun/attributes.js';
import { decodeStun, encodeStun } from '../../../shared/stun/codec.js';
import { ATTR, METHOD_BINDING, SIPLADDER_COOKIE_BYTES, type StunAttribute, type StunMessage } from '../../../shared/stun/message.js';
import type { Endpoint } from '../../../shared/model/trace.js';
import { interruptibleWait, type EngineDeps } from '../deps.js';
import type { TraceRecorder } from '../trace-recorder.js';
import type { UdpEndpoint } from '../transports/udp-endpoint.js';

/** Initial retransmission timeout (RFC 8489 §6.2.1). */
export const STUN_RTO_MS = 500;
/** How long one Binding transaction may take in a probe. */
export const STUN_TRANSACTION_DEADLINE_MS = 1600;
/**
 * Size of a padded Binding request (RFC 5780 §7.6 PADDING): a SIP Ladder reflector answers a source
 * that has not proven return routability with at most the request's size, and its largest Binding
 * response (IPv6: four addresses of 24 bytes, SIPLADDER-COOKIE, SOFTWARE, FINGERPRINT) is 168 bytes.
 */
export const STUN_PADDED_REQUEST_BYTES = 192;

export interface BindingReply {
  from: Endpoint;
  message: StunMessage;
  xorMapped: Endpoint | null;
  mapped: Endpoint | null;
  other: Endpoint | null;
  error: { code: number; reason: string } | null;
  /** SIPLADDER-COOKIE of a SIP Ladder reflector (for RESPONSE-PORT from this socket), or null. */
  cookie: Uint8Array | null;
}

export interface StunContext {
  deps: EngineDeps;
  trace: TraceRecorder;
  attempt: number;
  signal: AbortSignal;
  traceSeqs: number[];
  /**
   * Pad requests to STUN_PADDED_REQUEST_BYTES, so that a SIP Ladder reflector answers them. On only
   * while the server is, or may be, one (it sends SIPLADDER-COOKIE): other servers pad their answers
   * to the MTU (RFC 5780 §6.1), which fragments them needlessly — and loses them where fragments are dropped.
   */
  pad: boolean;
}

/** PADDING for a request of these attributes, when the context wants it; never with RESPONSE-PORT (RFC 5780 §6.1 answers that with 400). */
function paddingFor(ctx: StunContext, attributes: StunAttribute[], transactionId: Uint8Array): StunAttribute[] {
  if (!ctx.pad || attributes.some((a) => a.type === ATTR.RESPONSE_PORT)) return [];
  const bare = encodeStun({ cls: 'request', method: METHOD_BINDING, transactionId, attributes }, { fingerprint: true });
  const padding = paddingToReach(bare.length, STUN_PADDED_REQUEST_BYTES);
  return padding ? [padding] : [];
}

const toEndpoint = (a: { address: string; port: number } | null): Endpoint | null => (a ? { address: a.address, port: a.port } : null);

/**
 * Sends a Binding request from `ep` to `to` and waits for the matching response from any source
 * (RFC 5780 tests expect answers from other addresses). Resolves null on silence.
 */
export async function bindingTransaction(
  ctx: StunContext,
  ep: UdpEndpoint,
  to: Endpoint,
  attributes: StunAttribute[],
  what: string,
  deadlineMs = STUN_TRANSACTION_DEADLINE_MS,
): Promise<BindingReply | null> {
  const transactionId = ctx.deps.random(12);
  const all = [...attributes, ...paddingFor(ctx, attributes, transactionId)];
  const bytes = encodeStun({ cls: 'request', method: METHOD_BINDING, transactionId, attributes: all }, { fingerprint: true });
  const record = (e: Parameters<TraceRecorder['add']>[0]): void => {
    const seq = ctx.trace.add(e);
    if (seq > 0) ctx.traceSeqs.push(seq);
  };
  let reply: BindingReply | null = null;
  let wake: (() => void) | null = null;
  ep.onMessage((b, from) => {
    if (reply) return;
    const d = decodeStun(b);
    if (!d.ok || d.message.transactionId.some((v, i) => v !== transactionId[i])) return;
    if (d.message.cls !== 'success' && d.message.cls !== 'error') return;
    record({
      attempt: ctx.attempt,
      kind: 'received',
      transport: 'udp',
      local: ep.local,
      remote: from,
      bytes: b,
      note: `STUN ${what}: ${d.message.cls} response`,
    });
    const a = bindingAddresses(d.message);
    const cookie = attr(d.message, ATTR.SIPLADDER_COOKIE);
    reply = {
      from,
      message: d.message,
      xorMapped: toEndpoint(a.xorMapped),
      mapped: toEndpoint(a.mapped),
      other: toEndpoint(a.other),
      error: errorCode(d.message),
      cookie: cookie?.length === SIPLADDER_COOKIE_BYTES ? cookie : null,
    };
    wake?.();
  });
  const started = ctx.deps.clock.now();
  let rto = STUN_RTO_MS;
  for (let sends = 0; !reply && !ctx.signal.aborted; sends++) {
    const left = started + deadlineMs - ctx.deps.clock.now();
    if (left <= 0) break;
    ep.send(bytes, to);
    record({
      attempt: ctx.attempt,
      kind: 'sent',
      transport: 'udp',
      local: ep.local,
      remote: to,
      bytes,
      ...(sends === 0 ? { note: `STUN ${what}` } : { note: `STUN ${what} (retransmission ${sends})`, retransmission: true }),
    });
    const w = interruptibleWait(ctx.deps.clock, Math.min(rto, left), ctx.signal);
    rto *= 2;
    wake = w.wake;
    await w.done;
  }
  // Stopped early (the run was cancelled, or another transaction already has the answer): say so, not "no response".
  const ended = ctx.signal.aborted
    ? `stopped after ${Math.round(ctx.deps.clock.now() - started)} ms without a response`
    : `no response within ${deadlineMs} ms`;
  if (!reply) record({ attempt: ctx.attempt, kind: 'timer', transport: 'udp', local: ep.local, remote: to, note: `${what}: ${ended}` });
  return reply;
}
