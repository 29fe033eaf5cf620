// The reflector as a test registrar (callback-protocol.ts): it keeps UDP bindings only for the
// flow (source address and port) that registered, and sends callbacks only to such a flow, only
// after that flow echoed its return-routability cookie (cookie.ts), within the source budgets
// (budget.ts), and only as many as MAX_PENDING_CALLBACKS at once over all clients.
import { randomBytes } from 'node:crypto';
import { headerValue, type SipRequest, type SipResponse } from '../../shared/sip/message.js';
import { parseMessage } from '../../shared/sip/parse.js';
import { COOKIE_HEADER } from '../../shared/sip/requests.js';
import { bareHost, parseUri } from '../../shared/sip/uri.js';
import type { Endpoint } from '../../shared/model/trace.js';
import { CALLBACK_DELAY_HEADER, CALLBACK_HEADER, MAX_CALLBACK_BINDING_S, parseSchedule } from './callback-protocol.js';
import { callbackInvite, callbackOptions, ackFor, answer, type Outgoing } from './callback-messages.js';
import type { ReflectorContext } from './context.js';
import type { UdpCookie } from './sip-mirror.js';

/** Bindings kept at once (over all clients), and per source address. */
export const MAX_CALLBACK_BINDINGS = 64;
export const MAX_BINDINGS_PER_ADDRESS = 2;
/** Callbacks waiting to be sent, over all clients. */
export const MAX_PENDING_CALLBACKS = 128;
/** When each callback request is (re)sent over UDP until anything answers it (RFC 3261 Timer A/E, cut short). */
export const CALLBACK_SEND_TIMES_MS = [0, 500, 1500];

/** One UDP flow as the reflector sees it: the source, and how to send back from the socket it used. */
export interface UdpFlow {
  source: Endpoint;
  /** The reflector's own address as the client named it (Request-URI host) and the socket's port. */
  local: Endpoint;
  send(bytes: Uint8Array): void;
  /** The source's cookie to hand out, and the check of the one a request echoes (cookie.ts). */
  cookie: UdpCookie;
}

interface Binding {
  flow: UdpFlow;
  contact: string;
  aor: string;
  expiresAt: number;
  /** Stops every timer of this binding (callbacks and retransmissions). */
  timers: Set<() => void>;
  outgoing: Map<string, Outgoing>;
  pending: number;
}

/** The address callbacks name as ours: the socket's, or the Request-URI host the client used when the socket listens on every address. */
function ownAddress(req: SipRequest, local: Endpoint): Endpoint {
  if (local.address !== '0.0.0.0' && local.address !== '::') return local;
  const uri = parseUri(req.requestUri);
  return { address: uri.ok ? bareHost(uri.uri.host) : local.address, port: local.port };
}

/** A request's size and whether it echoed its source's valid cookie (then an answer may be larger). */
interface Received {
  size: number;
  proven: boolean;
}

const flowKey = (f: UdpFlow): string => `${f.source.address}|${f.source.port}|${f.local.port}`;

export class CallbackRegistrar {
  private readonly bindings = new Map<string, Binding>();
  private pending = 0;

  constructor(
    private readonly ctx: ReflectorContext,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** True when the datagram was for the callback registrar (answered or deliberately not); false leaves it to the mirror. */
  handle(raw: Uint8Array, flow: UdpFlow): boolean {
    const parsed = parseMessage(raw);
    if (!parsed.ok) return false;
    const m = parsed.message;
    if (m.kind === 'response') return this.response(m, flow);
    const carried = headerValue(m, COOKIE_HEADER)?.trim();
    const request = { size: raw.length, proven: carried !== undefined && flow.cookie.valid(carried) };
    if (m.method === 'REGISTER') return (this.register(m, request, flow), true);
    if (m.method === 'OPTIONS' && headerValue(m, CALLBACK_HEADER) !== undefined) return (this.schedule(m, request, flow), true);
    return false;
  }

  close(): void {
    for (const key of [...this.bindings.keys()]) this.drop(key);
  }

  /** Sends an answer to the flow, never larger than the request unless the flow is proven, within the budget. */
  private reply(flow: UdpFlow, bytes: Uint8Array, request: Received, what: string): void {
    const who = `callback ${flow.source.address}:${flow.source.port}`;
    if (!request.proven && bytes.length > request.size) {
      this.ctx.stats.withheld++;
      return this.ctx.log(`${who} ${what} withheld: ${bytes.length} bytes for a ${request.size}-byte request without a cookie`);
    }
    if (!this.ctx.budget.allow(flow.source.address, bytes.length)) {
      this.ctx.stats.overBudget++;
      return this.ctx.log(`${who} ${what} over budget, not answered`);
    }
    flow.send(bytes);
    this.ctx.stats.answered++;
    this.ctx.log(`${who} ${what}`);
  }

  private register(req: SipRequest, request: Received, flow: UdpFlow): void {
    this.expire();
    const key = flowKey(flow);
    const contact = req.contact === '*' ? undefined : req.contact[0];
    const expires = Math.min(MAX_CALLBACK_BINDING_S, Number(contact?.params.expires ?? headerValue(req, 'Expires') ?? 0) || 0);
    const cookie: Array<readonly [string, string]> = [[COOKIE_HEADER, flow.cookie.issue()]];
    if (!contact || expires <= 0) {
      this.drop(key);
      return this.reply(flow, answer(req, 200, cookie), request, 'binding removed');
    }
    const sameAddress = [...this.bindings.values()].filter((b) => b.flow.source.address === flow.source.address && flowKey(b.flow) !== key).length;
    if (!this.bindings.has(key) && (this.bindings.size >= MAX_CALLBACK_BINDINGS || sameAddress >= MAX_BINDINGS_PER_ADDRESS)) {
      return this.reply(flow, answer(req, 503, [...cookie, ['Retry-After', '60']]), request, 'REGISTER refused: too many bindings');
    }
    const ok = answer(req, 200, [['Contact', `<${contact.uri.raw}>;expires=${expires}`], ...cookie]);
    if (!request.proven && ok.length > request.size) return this.reply(flow, ok, request, 'REGISTER');
    const old = this.bindings.get(key);
    const binding: Binding = old ?? {
      flow: { ...flow, local: ownAddress(req, flow.local) },
      contact: contact.uri.raw,
      aor: req.to?.uri.raw ?? contact.uri.raw,
      expiresAt: 0,
      timers: new Set(),
      outgoing: new Map(),
      pending: 0,
    };
    binding.expiresAt = this.now() + expires * 1000;
    this.bindings.set(key, binding);
    this.reply(flow, ok, request, `registered ${contact.uri.raw} for ${expires} s`);
  }

  private schedule(req: SipRequest, request: Received, flow: UdpFlow): void {
    this.expire();
    const binding = this.bindings.get(flowKey(flow));
    const refuse = (status: number, why: string): void =>
      this.reply(
        flow,
        answer(req, status, [
          [COOKIE_HEADER, flow.cookie.issue()],
          ['Warning', `399 sipladder "${why}"`],
        ]),
        request,
        `callback refused: ${why}`,
      );
    if (!binding) return refuse(403, 'register from this flow first');
    if (!request.proven) return refuse(403, `echo ${COOKIE_HEADER} first (return routability)`);
    const s = parseSchedule(headerValue(req, CALLBACK_HEADER));
    if (!s.ok) return refuse(400, s.reason);
    if (binding.pending > 0) return refuse(400, 'a schedule is already pending for this flow');
    const last = s.delaysS[s.delaysS.length - 1]!;
    if (this.now() + last * 1000 > binding.expiresAt) return refuse(400, 'the binding expires before the last callback');
    if (this.pending + s.delaysS.length > MAX_PENDING_CALLBACKS) return refuse(503, 'too many callbacks pending on this reflector');
    for (const d of s.delaysS) this.later(binding, d * 1000, () => this.callback(binding, d));
    binding.pending = s.delaysS.length;
    this.pending += s.delaysS.length;
    this.reply(flow, answer(req, 200, [[CALLBACK_HEADER, `accepted ${s.delaysS.join(',')}`]]), request, `callbacks after ${s.delaysS.join(', ')} s`);
  }

  private later(binding: Binding, ms: number, fn: () => void): void {
    const h = setTimeout(() => {
      binding.timers.delete(stop);
      fn();
    }, ms);
    const stop = (): void => clearTimeout(h);
    binding.timers.add(stop);
  }

  /** One callback: an OPTIONS and an INVITE to the registered Contact over the registered flow. */
  private callback(binding: Binding, delayS: number): void {
    binding.pending--;
    this.pending--;
    if (!this.bindings.has(flowKey(binding.flow))) return;
    const id = (): string => randomBytes(8).toString('hex');
    const common = { binding: { contact: binding.contact, aor: binding.aor, local: binding.flow.local }, delayS, id };
    for (const out of [callbackOptions(common), callbackInvite(common)]) {
      binding.outgoing.set(out.callId, out);
      for (const at of CALLBACK_SEND_TIMES_MS) this.later(binding, at, () => this.sendOut(binding, out, at > 0));
    }
  }

  private sendOut(binding: Binding, out: Outgoing, again: boolean): void {
    if (out.answered || !this.ctx.budget.allow(binding.flow.source.address, out.bytes.length)) return;
    binding.flow.send(out.bytes);
    this.ctx.stats.answered++;
    this.ctx.log(
      `callback ${binding.flow.source.address}:${binding.flow.source.port} ${out.method}${again ? ' (again)' : ''} after ${headerValue(out.request, CALLBACK_DELAY_HEADER)} s`,
    );
  }

  /** A response to one of our callbacks: stop retransmitting; ACK a final answer to the INVITE (RFC 3261 §17.1.1.3). */
  private response(res: SipResponse, flow: UdpFlow): boolean {
    const binding = this.bindings.get(flowKey(flow));
    const out = res.callId !== undefined ? binding?.outgoing.get(res.callId) : undefined;
    if (!binding || !out) return false;
    out.answered = true;
    if (res.status >= 200) {
      binding.outgoing.delete(res.callId!);
      if (out.method === 'INVITE') this.sendOut(binding, { ...out, answered: false, bytes: ackFor(out.request, res) }, false);
    }
    return true;
  }

  private expire(): void {
    const now = this.now();
    for (const [key, b] of this.bindings) if (b.expiresAt <= now && b.pending === 0) this.drop(key);
  }

  private drop(key: string): void {
    const b = this.bindings.get(key);
    if (!b) return;
    for (const stop of b.timers) stop();
    this.pending -= b.pending;
    this.bindings.delete(key);
  }
}
