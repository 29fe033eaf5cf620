// One SIP flow (RFC 5626 §3: a transport connection or UDP 5-tuple) with the non-INVITE client
// transaction of RFC 3261 §17.1.2 on top: send, retransmit on UDP (Timer E), match the response
// (§17.1.3), trace everything. Probes build requests; the flow moves them and reports.
import type { SipResponse } from '../../shared/sip/message.js';
import { parseMessage } from '../../shared/sip/parse.js';
import { T1_MS, T2_MS } from '../../shared/sip/timers.js';
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
  | { ok: true; flow: SipFlow; tls?: TlsInfo }
  | { ok: false; outcome: ChannelFailure; detail: string; tls?: TlsInfo; localPort?: number };

export interface FlowStats {
  requestsSent: number;
  retransmissions: number;
  responsesFromElsewhere: Endpoint[];
}

export class SipFlow {
  readonly stats: FlowStats = { requestsSent: 0, retransmissions: 0, responsesFromElsewhere: [] };
  private inbox: Array<{ bytes: Uint8Array; from: Endpoint } | { failure: ChannelFailure; detail: string }> = [];
  private wake: (() => void) | null = null;

  private constructor(private readonly o: FlowOptions, readonly channel: SipChannel) {}

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
      transport: o.transport, host: o.host, remote, localPort: o.localPort, tlsVerify: o.tlsVerify, caPem: o.caPem, wsPath: o.wsPath,
      connectTimeoutMs: Math.max(1, Math.min(CONNECT_DEADLINE_MS, o.deadlineAt - deps.clock.now())), signal: o.signal,
      handlers: {
        message: (bytes, from) => push({ bytes, from }),
        other: (bytes, text) => note('socket', text, { bytes }),
        failure: (failure, detail) => push({ failure, detail }),
      },
    });
    if (opened.tls) {
      const t = opened.tls;
      const c = t.certificate;
      note('tls', `TLS ${t.protocol ?? ''} ${t.cipher ?? ''}; certificate ${t.verified ? 'verified' : `NOT verified: ${t.verifyError}`}${c ? `; subject ${c.subject}; issuer ${c.issuer}; valid ${c.validFrom} to ${c.validTo}` : ''}`.replace(/\s+/g, ' '));
    }
    if (!opened.ok) {
      note('socket', `open failed: ${opened.detail}`);
      return { ok: false, outcome: opened.outcome, detail: opened.detail, tls: opened.tls, localPort: opened.localPort };
    }
    flow = new SipFlow(o, opened.channel);
    flow.inbox.push(...early);
    note('socket', `connected: local ${opened.channel.local.address}:${opened.channel.local.port}${opened.note ? `; ${opened.note}` : ''}`, { local: opened.channel.local });
    return { ok: true, flow, tls: opened.tls };
  }

  /**
   * Sends one request and waits for its final response. `signal` defaults to the run's; a different
   * one (e.g. for removing a binding after cancel) also lifts the run deadline, keeping only `waitMs`.
   */
  async transaction(bytes: Uint8Array, match: { branch: string; callId: string; method: string }, waitMs: number, what: string,
    signal: AbortSignal = this.o.signal): Promise<TxOutcome> {
    const { deps, transport } = this.o;
    const remote = this.o.remote;
    const started = deps.clock.now();
    const deadline = signal === this.o.signal ? Math.min(started + waitMs, this.o.deadlineAt) : started + waitMs;
    const cappedByRun = deadline < started + waitMs;
    const reliable = transport !== 'udp';
    let sends = 0;
    let firstSentAt = started;
    let nextSend = started;
    let interval = T1_MS;
    for (;;) {
      if (signal.aborted) return { kind: 'failure', outcome: 'aborted', detail: 'cancelled' };
      if (deps.clock.now() >= nextSend && (sends === 0 || !reliable)) {
        await this.o.rate.take(remote.address, signal).catch(() => undefined);
        if (signal.aborted) continue;
        this.channel.send(bytes);
        if (sends === 0) firstSentAt = deps.clock.now();
        SipFlow.record(this.o, { attempt: this.o.attempt, kind: 'sent', transport, local: this.channel.local, remote, bytes, note: sends === 0 ? what : `${what} (retransmission ${sends})` });
        this.stats.requestsSent++;
        if (sends > 0) this.stats.retransmissions++;
        sends++;
        // Timer E (§17.1.2.2): retransmit at T1, 2*T1, ... capped at T2; reliable transports never retransmit.
        nextSend = reliable ? Infinity : deps.clock.now() + interval;
        interval = Math.min(interval * 2, T2_MS);
      }
      while (this.inbox.length > 0) {
        const item = this.inbox.shift()!;
        if ('failure' in item) {
          this.note('socket', `${item.failure}: ${item.detail}`, { remote });
          return { kind: 'failure', outcome: item.failure, detail: item.detail };
        }
        SipFlow.record(this.o, { attempt: this.o.attempt, kind: 'received', transport, local: this.channel.local, remote: item.from, bytes: item.bytes });
        const parsed = parseMessage(item.bytes);
        if (!parsed.ok) {
          this.note('socket', `unparseable message ignored: ${parsed.error.reason} at byte ${parsed.error.offset}`);
          if (reliable) return { kind: 'failure', outcome: 'protocol-error', detail: `server sent invalid SIP: ${parsed.error.reason} at byte ${parsed.error.offset}` };
          continue;
        }
        const msg = parsed.message;
        // Matching rule of RFC 3261 §17.1.3: top Via branch and CSeq method; Call-ID checked too.
        const mismatch = msg.kind !== 'response' ? 'a request, not a response'
          : msg.via[0]?.params.branch !== match.branch ? `branch ${msg.via[0]?.params.branch ?? '(none)'} is not ours`
            : msg.cseq?.method !== match.method ? `CSeq method is not ${match.method}`
              : msg.callId !== match.callId ? `Call-ID ${(msg.callId ?? '(none)').slice(0, 60)} is not ours` : '';
        if (mismatch) {
          this.note('socket', `message ignored: ${mismatch}`);
          continue;
        }
        const res = msg as SipResponse;
        if (item.from.address !== remote.address || item.from.port !== remote.port) {
          this.stats.responsesFromElsewhere.push(item.from);
          this.note('socket', `response came from ${item.from.address}:${item.from.port}, not from ${remote.address}:${remote.port} where the request went`);
        }
        if (res.status >= 200) return { kind: 'response', msg: res, from: item.from, rttMs: Math.round((deps.clock.now() - firstSentAt) * 10) / 10, sends };
        // Provisional: stop fast retransmission and continue at T2 (§17.1.2.2 Proceeding state).
        interval = T2_MS;
        nextSend = reliable ? Infinity : Math.max(nextSend, deps.clock.now() + T2_MS);
      }
      const now = deps.clock.now();
      if (now >= deadline) return { kind: 'timeout', sends, waitedMs: Math.round(now - started), cappedByRun };
      const w = interruptibleWait(deps.clock, Math.min(deadline, nextSend) - now, signal);
      this.wake = w.wake;
      await w.done;
      this.wake = null;
    }
  }

  close(): void {
    this.channel.close();
    this.note('socket', 'closed');
  }
}
