// One SIP flow (RFC 5626 §3: a transport connection or UDP 5-tuple) with the non-INVITE client
// transaction of RFC 3261 §17.1.2 on top: send, retransmit on UDP (Timer E), match the response
// (§17.1.3), trace everything. Probes build requests; the flow moves them and reports.
import type { SipMessage, SipResponse } from '../../shared/sip/message.js';
import { parseMessage } from '../../shared/sip/parse.js';
import { next, nextTimer, startTransaction, type TxState, type TxStep } from '../../shared/sip/transaction.js';
import type { TlsInfo } from '../../shared/model/results.js';
import type { Endpoint } from '../../shared/model/trace.js';
import { interruptibleWait, type EngineDeps } from './deps.js';
import type { RateLimiter } from './safety.js';
import type { ChannelFailure, OpenOptions, SipChannel } from './transports/channel.js';
import type { NewTraceEvent, TraceRecorder } from './trace-recorder.js';

/** TCP/TLS/WS connection set-up. */
export const CONNECT_DEADLINE_MS = 2500;

export type TxOutcome =
  | { kind: 'response'; msg: SipResponse; from: Endpoint; rttMs: number; sends: number }
  | { kind: 'timeout'; sends: number; waitedMs: number; cappedByRun: boolean }
  | { kind: 'failure'; outcome: ChannelFailure; detail: string };

export interface FlowOptions extends Pick<OpenOptions, 'transport' | 'host' | 'remote' | 'localPort' | 'tlsVerify' | 'caPem' | 'wsPath'> {
  attempt: number;
  deps: EngineDeps;
  trace: TraceRecorder;
  rate: RateLimiter;
  signal: AbortSignal;
  /** Absolute deadline (deps.clock time) for everything on this flow that uses the run's signal. */
  deadlineAt: number;
  /** Trace seqs of this flow are appended here. */
  traceSeqs: number[];
}

export type OpenFlowResult =
  { ok: true; flow: SipFlow; tls?: TlsInfo } | { ok: false; outcome: ChannelFailure; detail: string; tls?: TlsInfo; localPort?: number };

export interface FlowStats {
  requestsSent: number;
  retransmissions: number;
  responsesFromElsewhere: Endpoint[];
}

/** What identifies the response to our request (RFC 3261 §17.1.3). */
export interface TxMatch {
  branch: string;
  callId: string;
  method: string;
}

/** Why a message is not the response to our request, or '' when it is: top Via branch and CSeq method (RFC 3261 §17.1.3), Call-ID too. */
function mismatchOf(msg: SipMessage, match: TxMatch): string {
  if (msg.kind !== 'response') return 'a request, not a response';
  if (msg.via[0]?.params.branch !== match.branch) return `branch ${msg.via[0]?.params.branch ?? '(none)'} is not ours`;
  if (msg.cseq?.method !== match.method) return `CSeq method is not ${match.method}`;
  if (msg.callId !== match.callId) return `Call-ID ${(msg.callId ?? '(none)').slice(0, 60)} is not ours`;
  return '';
}

export class SipFlow {
  readonly stats: FlowStats = { requestsSent: 0, retransmissions: 0, responsesFromElsewhere: [] };
  /** Earlier transactions in Completed (UDP, until Timer K), by branch: their retransmitted responses are absorbed. */
  private readonly completed = new Map<string, TxState>();
  private inbox: Array<{ bytes: Uint8Array; from: Endpoint } | { failure: ChannelFailure; detail: string }> = [];
  private wake: (() => void) | null = null;

  private constructor(
    private readonly o: FlowOptions,
    readonly channel: SipChannel,
  ) {}

  get remote(): Endpoint {
    return this.o.remote;
  }

  note(kind: NewTraceEvent['kind'], text: string, extra: Partial<NewTraceEvent> = {}): void {
    SipFlow.record(this.o, { attempt: this.o.attempt, kind, transport: this.o.transport, note: text, ...extra });
  }

  private static record(o: FlowOptions, e: NewTraceEvent): void {
    const seq = o.trace.add(e);
    if (seq > 0) o.traceSeqs.push(seq);
  }

  static async open(o: FlowOptions): Promise<OpenFlowResult> {
    const { deps, remote } = o;
    const note = (kind: NewTraceEvent['kind'], text: string, extra: Partial<NewTraceEvent> = {}): void =>
      SipFlow.record(o, { attempt: o.attempt, kind, transport: o.transport, note: text, remote, ...extra });
    let flow: SipFlow | null = null;
    const early: SipFlow['inbox'] = [];
    const push = (item: SipFlow['inbox'][number]): void => {
      if (!flow) return void early.push(item);
      flow.inbox.push(item);
      flow.wake?.();
    };
    note('socket', `open ${o.transport} to ${remote.address}:${remote.port}${o.localPort !== undefined ? ` from local port ${o.localPort}` : ''}`);
    const opened = await deps.openChannel({
      transport: o.transport,
      host: o.host,
      remote,
      localPort: o.localPort,
      tlsVerify: o.tlsVerify,
      caPem: o.caPem,
      wsPath: o.wsPath,
      connectTimeoutMs: Math.max(1, Math.min(CONNECT_DEADLINE_MS, o.deadlineAt - deps.clock.now())),
      signal: o.signal,
      handlers: {
        message: (bytes, from) => push({ bytes, from }),
        other: (bytes, text) => note('socket', text, { bytes }),
        failure: (failure, detail) => push({ failure, detail }),
      },
    });
    if (opened.tls) {
      const t = opened.tls;
      const c = t.certificate;
      note(
        'tls',
        `TLS ${t.protocol ?? ''} ${t.cipher ?? ''}; certificate ${t.verified ? 'verified' : `NOT verified: ${t.verifyError}`}${c ? `; subject ${c.subject}; issuer ${c.issuer}; valid ${c.validFrom} to ${c.validTo}` : ''}`.replace(
          /\s+/g,
          ' ',
        ),
      );
    }
    if (!opened.ok) {
      note('socket', `open failed: ${opened.detail}`);
      return { ok: false, outcome: opened.outcome, detail: opened.detail, tls: opened.tls, localPort: opened.localPort };
    }
    flow = new SipFlow(o, opened.channel);
    flow.inbox.push(...early);
    note('socket', `connected: local ${opened.channel.local.address}:${opened.channel.local.port}${opened.note ? `; ${opened.note}` : ''}`, {
      local: opened.channel.local,
    });
    return { ok: true, flow, tls: opened.tls };
  }

  /**
   * Sends one request and waits for its final response: the driver of the pure transaction
   * machine (shared/sip/transaction.ts), doing its sends, waits and matching. `signal` defaults to
   * the run's; a different one (e.g. for removing a binding after cancel) also lifts the run
   * deadline, keeping only `waitMs`.
   */
  async transaction(bytes: Uint8Array, match: TxMatch, waitMs: number, what: string, signal: AbortSignal = this.o.signal): Promise<TxOutcome> {
    const { deps, transport } = this.o;
    const started = deps.clock.now();
    const deadline = signal === this.o.signal ? Math.min(started + waitMs, this.o.deadlineAt) : started + waitMs;
    const cappedByRun = deadline < started + waitMs;
    const reliable = transport !== 'udp';
    const aborted: TxOutcome = { kind: 'failure', outcome: 'aborted', detail: 'cancelled' };
    if (signal.aborted || !(await this.sendSlot(signal))) return aborted;
    const firstSentAt = deps.clock.now();
    let state = this.perform(startTransaction(firstSentAt, { reliable, timeoutMs: Math.max(0, deadline - firstSentAt) }), bytes, what);
    for (;;) {
      if (signal.aborted) return aborted;
      const inbound = this.nextInbound(match, reliable);
      if (inbound && 'outcome' in inbound) return inbound;
      if (inbound) {
        const step = next(state, { kind: 'response', status: inbound.msg.status }, deps.clock.now());
        state = step.state;
        if (step.actions.some((a) => a.kind === 'deliver' && a.final)) {
          if (state.phase === 'completed') this.keepCompleted(match.branch, state);
          return { kind: 'response', msg: inbound.msg, from: inbound.from, rttMs: Math.round((deps.clock.now() - firstSentAt) * 10) / 10, sends: state.sends };
        }
        continue;
      }
      const due = nextTimer(state);
      const now = deps.clock.now();
      if (!due || due.at > now) {
        const w = interruptibleWait(deps.clock, (due?.at ?? deadline) - now, signal);
        this.wake = w.wake;
        await w.done;
        this.wake = null;
        continue;
      }
      if (due.timer === 'E' && !(await this.sendSlot(signal))) continue;
      const step = next(state, { kind: 'timer', timer: due.timer }, deps.clock.now());
      if (step.actions.some((a) => a.kind === 'timeout'))
        return { kind: 'timeout', sends: state.sends, waitedMs: Math.round(deps.clock.now() - started), cappedByRun };
      state = this.perform(step, bytes, what);
    }
  }

  /** Waits for the rate limiter's slot; false when cancelled meanwhile. */
  private async sendSlot(signal: AbortSignal): Promise<boolean> {
    await this.o.rate.take(this.o.remote.address, signal).catch(() => undefined);
    return !signal.aborted;
  }

  /** Carries out a step's sends; returns its state. */
  private perform(step: TxStep, bytes: Uint8Array, what: string): TxState {
    for (const a of step.actions) {
      if (a.kind !== 'send') continue;
      this.channel.send(bytes);
      const n = step.state.sends - 1;
      SipFlow.record(this.o, {
        attempt: this.o.attempt,
        kind: 'sent',
        transport: this.o.transport,
        local: this.channel.local,
        remote: this.o.remote,
        bytes,
        ...(a.retransmission ? { note: `${what} (retransmission ${n})`, retransmission: true } : { note: what }),
      });
      this.stats.requestsSent++;
      if (a.retransmission) this.stats.retransmissions++;
    }
    return step.state;
  }

  /**
   * The next inbound item for the running transaction: its response, a channel failure, or
   * undefined when the inbox holds nothing more for it. Everything received is traced; what is
   * not ours is noted and dropped.
   */
  private nextInbound(match: TxMatch, reliable: boolean): { msg: SipResponse; from: Endpoint } | Extract<TxOutcome, { kind: 'failure' }> | undefined {
    const remote = this.o.remote;
    for (let item = this.inbox.shift(); item; item = this.inbox.shift()) {
      if ('failure' in item) {
        this.note('socket', `${item.failure}: ${item.detail}`, { remote });
        return { kind: 'failure', outcome: item.failure, detail: item.detail };
      }
      SipFlow.record(this.o, {
        attempt: this.o.attempt,
        kind: 'received',
        transport: this.o.transport,
        local: this.channel.local,
        remote: item.from,
        bytes: item.bytes,
      });
      const parsed = parseMessage(item.bytes);
      if (!parsed.ok) {
        this.note('socket', `unparseable message ignored: ${parsed.error.reason} at byte ${parsed.error.offset}`);
        if (reliable)
          return { kind: 'failure', outcome: 'protocol-error', detail: `server sent invalid SIP: ${parsed.error.reason} at byte ${parsed.error.offset}` };
        continue;
      }
      const msg = parsed.message;
      const mismatch = mismatchOf(msg, match);
      if (mismatch) {
        this.note(
          'socket',
          this.absorbedByCompleted(msg)
            ? 'retransmitted response to a completed transaction absorbed (RFC 3261 §17.1.2.2 Completed state)'
            : `message ignored: ${mismatch}`,
        );
        continue;
      }
      const res = msg as SipResponse;
      if (item.from.address !== remote.address || item.from.port !== remote.port) {
        this.stats.responsesFromElsewhere.push(item.from);
        this.note('socket', `response came from ${item.from.address}:${item.from.port}, not from ${remote.address}:${remote.port} where the request went`);
      }
      return { msg: res, from: item.from };
    }
    return undefined;
  }

  /** Keeps a Completed transaction until its Timer K; those whose Timer K has passed go. */
  private keepCompleted(branch: string, state: TxState): void {
    const now = this.o.deps.clock.now();
    for (const [b, done] of this.completed) if ((nextTimer(done)?.at ?? 0) <= now) this.completed.delete(b);
    this.completed.set(branch, state);
  }

  /** Whether an earlier transaction, still Completed (Timer K not yet fired), swallows this response. */
  private absorbedByCompleted(msg: SipMessage): boolean {
    const branch = msg.kind === 'response' ? (msg.via[0]?.params.branch ?? undefined) : undefined;
    const done = branch === undefined ? undefined : this.completed.get(branch);
    if (!done || msg.kind !== 'response') return false;
    const now = this.o.deps.clock.now();
    const due = nextTimer(done);
    const state = due && due.at <= now ? next(done, { kind: 'timer', timer: due.timer }, now).state : done;
    if (state.phase === 'terminated') {
      this.completed.delete(branch!);
      return false;
    }
    return next(state, { kind: 'response', status: msg.status }, now).actions.some((a) => a.kind === 'absorb');
  }

  close(): void {
    this.channel.close();
    this.note('socket', 'closed');
  }
}
