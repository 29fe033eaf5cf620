// The UDP side of the fragmentation probe (seed 001). One socket and one datagram in flight at a
// time: a probe that sends several large datagrams at once, with retransmissions, fills the very
// queue of fragments it measures and reports its own congestion as loss. Every answer is matched
// by Via branch and Call-ID (RFC 3261 §17.1.3) until the probe ends, so an answer that arrives
// after the probe gave up waiting for its size is recorded as late, with its delay, not as lost.
import type { SizePoint } from '../../../shared/model/path-results.js';
import type { Endpoint } from '../../../shared/model/trace.js';
import type { SipResponse } from '../../../shared/sip/message.js';
import { parseMessage } from '../../../shared/sip/parse.js';
import { T1_MS } from '../../../shared/sip/timers.js';
import { interruptibleWait, type EngineDeps } from '../deps.js';
import type { RateLimiter } from '../safety.js';
import type { TraceRecorder } from '../trace-recorder.js';
import { familyOf, type UdpEndpoint } from '../transports/udp-endpoint.js';

/** One sized request of the lane and the point it fills in. */
export interface UdpStep {
  bytes: Uint8Array;
  branch: string;
  callId: string;
  what: string;
  point: SizePoint;
}

interface InFlight {
  step: UdpStep;
  firstSentAt: number;
  /** The lane stopped waiting for it (moved on): an answer now is late. */
  givenUp: boolean;
}

export interface LaneContext {
  deps: EngineDeps;
  trace: TraceRecorder;
  rate: RateLimiter;
  attempt: number;
  signal: AbortSignal;
  traceSeqs: number[];
}

export class UdpLane {
  private readonly inFlight = new Map<string, InFlight>();
  private wake: (() => void) | null = null;
  /** Every final response matched so far, in arrival order (the first carries the reflector's cookie). */
  readonly answers: SipResponse[] = [];

  private constructor(private readonly ctx: LaneContext, private readonly ep: UdpEndpoint, private readonly remote: Endpoint) {
    ep.onMessage((bytes, from) => this.receive(bytes, from));
  }

  static async open(ctx: LaneContext, remote: Endpoint): Promise<UdpLane | string> {
    try {
      return new UdpLane(ctx, await ctx.deps.openUdpEndpoint({ family: familyOf(remote.address), toward: remote }), remote);
    } catch (e) {
      return `cannot open a UDP socket (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
    }
  }

  get local(): Endpoint {
    return this.ep.local;
  }

  /**
   * Sends `step` and waits until it is answered or `waitMs` passed. With `retransmitUntilMs`, it is
   * resent on Timer E (T1, 2·T1, … RFC 3261 §17.1.2.2) within that time: only for small requests,
   * which cannot congest a queue of fragments.
   */
  async send(step: UdpStep, waitMs: number, retransmit = false): Promise<void> {
    const { deps, signal } = this.ctx;
    const entry: InFlight = { step, firstSentAt: 0, givenUp: false };
    this.inFlight.set(step.branch, entry);
    step.point.requestSize = step.bytes.length;
    let nextSend = deps.clock.now();
    let interval = T1_MS;
    let endAt = Infinity;
    while (!signal.aborted && !step.point.delivered) {
      const now = deps.clock.now();
      if (now >= nextSend) {
        await this.ctx.rate.take(this.remote.address, signal).catch(() => undefined);
        if (signal.aborted) break;
        this.transmit(entry);
        if (endAt === Infinity) endAt = deps.clock.now() + waitMs;
        nextSend = retransmit ? deps.clock.now() + interval : Infinity;
        interval *= 2;
      }
      const left = Math.min(endAt, nextSend) - deps.clock.now();
      if (deps.clock.now() >= endAt) break;
      await this.pause(left);
    }
    entry.givenUp = true;
  }

  /**
   * Waits until each unanswered request (of `points`, else all) is `lateWindowMs` old, or `until`,
   * or abort: then it is lost.
   */
  async settle(lateWindowMs: number, until: number, points?: SizePoint[]): Promise<void> {
    const { deps, signal } = this.ctx;
    for (;;) {
      const open = [...this.inFlight.values()].filter((f) => !f.step.point.delivered && f.firstSentAt > 0 && (!points || points.includes(f.step.point)));
      const lastChance = Math.min(until, Math.max(0, ...open.map((f) => f.firstSentAt + lateWindowMs)));
      if (signal.aborted || open.length === 0 || deps.clock.now() >= lastChance) return;
      await this.pause(lastChance - deps.clock.now());
    }
  }

  close(): void {
    this.ep.close();
  }

  private pause(ms: number): Promise<void> {
    const w = interruptibleWait(this.ctx.deps.clock, ms, this.ctx.signal);
    this.wake = w.wake;
    return w.done.finally(() => (this.wake = null));
  }

  private record(e: Parameters<TraceRecorder['add']>[0]): void {
    const seq = this.ctx.trace.add(e);
    if (seq > 0) this.ctx.traceSeqs.push(seq);
  }

  private transmit(entry: InFlight): void {
    const { step } = entry;
    this.ep.send(step.bytes, this.remote);
    const resend = step.point.sends > 0;
    if (!resend) entry.firstSentAt = this.ctx.deps.clock.now();
    step.point.sends++;
    this.record({ attempt: this.ctx.attempt, kind: 'sent', transport: 'udp', local: this.ep.local, remote: this.remote, bytes: step.bytes,
      note: resend ? `${step.what} (retransmission ${step.point.sends - 1})` : step.what });
  }

  private receive(bytes: Uint8Array, from: Endpoint): void {
    this.record({ attempt: this.ctx.attempt, kind: 'received', transport: 'udp', local: this.ep.local, remote: from, bytes });
    const parsed = parseMessage(bytes);
    if (!parsed.ok || parsed.message.kind !== 'response' || parsed.message.status < 200) return;
    const res = parsed.message as SipResponse;
    const entry = this.inFlight.get(res.via[0]?.params.branch ?? '');
    if (!entry || res.callId !== entry.step.callId || entry.step.point.delivered) return;
    const point = entry.step.point;
    const now = this.ctx.deps.clock.now();
    Object.assign(point, { delivered: true, rttMs: Math.round((now - entry.firstSentAt) * 10) / 10, status: res.status, responseSize: bytes.length });
    if (entry.givenUp) {
      point.late = true;
      this.record({ attempt: this.ctx.attempt, kind: 'timer', transport: 'udp', local: this.ep.local, remote: from,
        note: `late answer to ${entry.step.what}: ${Math.round(point.rttMs!)} ms after it was sent` });
    }
    this.answers.push(res);
    this.wake?.();
  }
}
