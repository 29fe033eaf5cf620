// The UDP side of the fragmentation probe (seed 001). One socket and one datagram in flight at a
// time: a probe that sends several large datagrams at once, with retransmissions, fills the very
// queue of fragments it measures and reports its own congestion as loss. Every answer is matched
// by Via branch and Call-ID (RFC 3261 §17.1.3) until the probe ends, so an answer that arrives
// after the probe gave up waiting for its size is recorded as late, with its delay, not as lost.
import type { FragmentationSeries, SizePoint } from '../../../shared/model/path-results.js';
import type { Endpoint } from '../../../shared/model/trace.js';
import type { SipResponse } from '../../../shared/sip/message.js';
import { parseMessage } from '../../../shared/sip/parse.js';
import { next, nextTimer, startTransaction, type TxState, type TxStep } from '../../../shared/sip/transaction.js';
import { interruptibleWait, type EngineDeps } from '../deps.js';
import type { RateLimiter } from '../safety.js';
import type { TraceRecorder } from '../trace-recorder.js';
import { familyOf, type UdpEndpoint } from '../transports/udp-endpoint.js';
import {
  FIRST_ANSWER_WAIT_MS,
  FRAGMENTATION_SIZES,
  LARGE_FROM,
  largestAnswered,
  LATE_WINDOW_MS,
  lossGap,
  MAX_BISECTION_STEPS,
  MAX_CONSECUTIVE_LOSSES,
  notTried,
  over,
  params,
  REGISTRAR_SIZES,
  SIZE_WAIT_MS,
  sizedRequest,
  SLOW_ECHO_MS,
  trailingLosses,
  within,
  type Mode,
  type ProbeContext,
} from './fragmentation-plan.js';
import { cookieFetchOptions, cookieOf } from './reflector-cookie.js';

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

  private constructor(
    private readonly ctx: LaneContext,
    private readonly ep: UdpEndpoint,
    private readonly remote: Endpoint,
  ) {
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
   * Sends `step` and waits until it is answered or `waitMs` passed (from the first send). With
   * `retransmit`, it is resent on Timer E (T1, 2·T1, … RFC 3261 §17.1.2.2) within that time: only for
   * the first, small request, which cannot congest a queue of fragments.
   */
  async send(step: UdpStep, waitMs: number, retransmit = false): Promise<void> {
    const { deps, signal } = this.ctx;
    const entry: InFlight = { step, firstSentAt: 0, givenUp: false };
    this.inFlight.set(step.branch, entry);
    step.point.requestSize = step.bytes.length;
    // The transaction machine's timers: without `retransmit` it runs as over a reliable transport (one send, Timer F only).
    let state = (await this.sendSlot()) ? this.perform(startTransaction(deps.clock.now(), { reliable: !retransmit, timeoutMs: waitMs }), entry) : undefined;
    while (state && !signal.aborted && !step.point.delivered) {
      const due = nextTimer(state);
      if (!due || (due.timer !== 'E' && due.at <= deps.clock.now())) break; // Timer F: given up
      if (due.at > deps.clock.now()) {
        await this.pause(due.at - deps.clock.now());
        continue;
      }
      state = (await this.sendSlot()) ? this.perform(next(state, { kind: 'timer', timer: 'E' }, deps.clock.now()), entry) : undefined;
    }
    entry.givenUp = true;
  }

  /** Waits for the rate limiter; false when cancelled meanwhile. */
  private async sendSlot(): Promise<boolean> {
    await this.ctx.rate.take(this.remote.address, this.ctx.signal).catch(() => undefined);
    return !this.ctx.signal.aborted;
  }

  /** Carries out a transaction step's sends; returns its state. */
  private perform(txStep: TxStep, entry: InFlight): TxState {
    for (const a of txStep.actions) if (a.kind === 'send') this.transmit(entry);
    return txStep.state;
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
    this.record({
      attempt: this.ctx.attempt,
      kind: 'sent',
      transport: 'udp',
      local: this.ep.local,
      remote: this.remote,
      bytes: step.bytes,
      ...(resend ? { note: `${step.what} (retransmission ${step.point.sends - 1})`, retransmission: true } : { note: step.what }),
    });
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
      this.record({
        attempt: this.ctx.attempt,
        kind: 'timer',
        transport: 'udp',
        local: this.ep.local,
        remote: from,
        note: `late answer to ${entry.step.what}: ${Math.round(point.rttMs!)} ms after it was sent`,
      });
    }
    this.answers.push(res);
    this.wake?.();
  }
}

/** Registrar: echo at this size was lost (so far) or slow, so upstream is timed there too. */
function echoFailed(echo: FragmentationSeries, size: number): boolean {
  const p = echo.points.find((x) => x.size === size && x.sends > 0);
  const small = echo.points.find((x) => x.delivered)?.rttMs ?? Infinity;
  return !!p && (!p.delivered || p.rttMs! - small > SLOW_ECHO_MS);
}

/** The series of one run and the sizes each climbs (decided size by size: upstream follows echo against a registrar). */
function udpPlan(reflector: boolean): { series: FragmentationSeries[]; sizes: number[]; climbs: (s: FragmentationSeries, size: number) => boolean } {
  const modes: Mode[] = reflector ? ['upstream', 'echo', 'downstream'] : ['echo', 'upstream'];
  const series = modes.map((mode): FragmentationSeries => ({ transport: 'udp', mode, points: [] }));
  const echo = series.find((x) => x.mode === 'echo')!;
  const climbs = (s: FragmentationSeries, size: number): boolean =>
    reflector ? s.mode === 'upstream' || size >= LARGE_FROM : s.mode === 'echo' || echoFailed(echo, size);
  return { series, sizes: reflector ? FRAGMENTATION_SIZES : REGISTRAR_SIZES, climbs };
}

type Step = (mode: Mode, size: number, bisection?: boolean) => UdpStep;

/** The ladder, size by size and series by series, one datagram at a time. Returns false when UDP was silent. */
async function climb(ctx: ProbeContext, lane: UdpLane, plan: ReturnType<typeof udpPlan>, step: Step, silentAtStart: boolean): Promise<boolean> {
  // The first request tells whether UDP is answered at all (with the reflector: the cookie fetch, already sent).
  let first = !ctx.reflector;
  let silent = silentAtStart;
  for (const size of plan.sizes) {
    for (const s of plan.series) {
      if (!plan.climbs(s, size)) continue;
      const why = silent
        ? `the first UDP request got no answer within ${FIRST_ANSWER_WAIT_MS} ms`
        : trailingLosses(s.points) >= MAX_CONSECUTIVE_LOSSES
          ? 'smaller sizes were already lost'
          : over(ctx)
            ? 'time limit'
            : '';
      if (why) {
        s.points.push(notTried(size, why));
        continue;
      }
      const st = step(s.mode, size);
      s.points.push(st.point);
      await lane.send(st, within(ctx, first ? FIRST_ANSWER_WAIT_MS : SIZE_WAIT_MS), first);
      silent = first && !st.point.delivered;
      first = false;
    }
  }
  return !silent;
}

/**
 * Halves the gap between the largest answered size (at least `floor`) and the smallest unanswered
 * one. The unanswered end is settled first: an answer that is only late closes the gap instead.
 */
async function bisect(ctx: ProbeContext, lane: UdpLane, s: FragmentationSeries, step: Step, floor: number): Promise<void> {
  for (let i = 0; i < MAX_BISECTION_STEPS && !over(ctx); i++) {
    const unsettled = lossGap(s.points, floor);
    if (!unsettled) return;
    await lane.settle(LATE_WINDOW_MS, ctx.deadlineAt, [unsettled.hi]);
    const gap = lossGap(s.points, floor);
    if (!gap || over(ctx)) return;
    const st = step(s.mode, Math.round((gap.lo + gap.hi.size) / 2), true);
    s.points.push(st.point);
    await lane.send(st, within(ctx, SIZE_WAIT_MS));
  }
}

/** The UDP series of the probe: upstream, echo and (reflector) downstream on one socket. */
export async function runUdpSeries(ctx: ProbeContext): Promise<FragmentationSeries[]> {
  const plan = udpPlan(ctx.reflector);
  const lane = await UdpLane.open({ ...ctx, traceSeqs: ctx.result.traceSeqs }, ctx.remote);
  if (typeof lane === 'string')
    return plan.series.map((s) => ({ ...s, points: plan.sizes.filter((size) => plan.climbs(s, size)).map((size) => notTried(size, lane)) }));
  const step: Step = (mode, size, bisection = false) => {
    // Every reflector answer carries the cookie for our address and port; any one will do.
    const cookie = lane.answers.map(cookieOf).find((c) => c !== null) ?? null;
    const req = sizedRequest(ctx, 'udp', lane.local, mode, size, cookie);
    const point: SizePoint = { size, delivered: false, sends: 0, expectedResponseSize: req.expectedResponseSize, ...(bisection ? { bisection } : {}) };
    return { ...req, what: `OPTIONS ${mode} ${size} bytes`, point };
  };
  try {
    const answered = ctx.reflector ? await fetchCookie(ctx, lane) : true;
    if (await climb(ctx, lane, plan, step, !answered)) {
      // A request size that echo got through goes through upstream too: against a registrar, bisection starts there.
      const echo = plan.series.find((s) => s.mode === 'echo')!;
      for (const s of plan.series) await bisect(ctx, lane, s, step, !ctx.reflector && s.mode === 'upstream' ? largestAnswered(echo.points) : 0);
      await lane.settle(LATE_WINDOW_MS, ctx.deadlineAt);
    }
  } finally {
    lane.close();
  }
  for (const p of plan.series.flatMap((s) => s.points)) {
    if (p.sends > 0 && !p.delivered) p.detail = `no answer within ${p.sends > 1 ? FIRST_ANSWER_WAIT_MS : LATE_WINDOW_MS} ms`;
  }
  if (plan.series.some((s) => s.points.length === 0))
    ctx.result.skipped.push('upstream sizes (only the request large): every echo size was answered on time, so no direction needed telling apart');
  return plan.series.filter((s) => s.points.length > 0);
}

/** The reflector's cookie, fetched with a padded OPTIONS (answered even before routability is shown); false when UDP is silent. */
async function fetchCookie(ctx: ProbeContext, lane: UdpLane): Promise<boolean> {
  const p = params(ctx, 'udp', lane.local);
  const req = cookieFetchOptions(p);
  const point: SizePoint = { size: req.bytes.length, delivered: false, sends: 0 };
  await lane.send(
    { bytes: req.bytes, branch: p.branch, callId: req.callId, what: 'OPTIONS to fetch the reflector cookie (padded)', point },
    within(ctx, FIRST_ANSWER_WAIT_MS),
    true,
  );
  return point.delivered;
}
