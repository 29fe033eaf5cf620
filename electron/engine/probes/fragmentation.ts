// Fragmentation and MTU latency (seed 001; RFC 3261 §18.1.1): OPTIONS of growing size. Each
// direction is sized on its own: upstream (only the request is large), echo (both), downstream
// (only the response: the reflector's X-SipLadder-Response-Size). Every point records the bytes
// of both the request and the response, so a loss is put on the direction that carried the
// large message. UDP goes one datagram at a time (fragmentation-udp.ts); TCP is the yardstick.
import { idSource, type IdSource } from '../../../shared/sip/ids.js';
import { buildSizedOptions, RESPONSE_SIZE_HEADER, type PaddingMode, type RequestParams } from '../../../shared/sip/requests.js';
import type { FragmentationResult, FragmentationSeries, SizePoint } from '../../../shared/model/path-results.js';
import type { EngineDeps } from '../deps.js';
import type { Target } from '../dns.js';
import type { RateLimiter } from '../safety.js';
import { SipFlow } from '../sip-flow.js';
import type { TraceRecorder } from '../trace-recorder.js';
import { UdpLane, type UdpStep } from './fragmentation-udp.js';
import { cookieFetchOptions, cookieOf, withCookie } from './reflector-cookie.js';

/** Ladder of sizes: below and above the 1472-byte UDP payload of a 1500-byte MTU, up to 8 KB. */
export const FRAGMENTATION_SIZES = [500, 1000, 1300, 1400, 1472, 1500, 2000, 3000, 4000, 8000];
/**
 * The shorter ladder against a registrar: it is not ours, every request costs an eighth of a second
 * of its rate limit (shared with the matrix), and bisection fills in the gaps where something is lost.
 */
export const REGISTRAR_SIZES = [500, 1300, 1472, 1500, 3000, 8000];
/**
 * RFC 3261 §18.1.1: messages under 1300 bytes are expected to fit any path. The upstream series
 * climbs from the bottom (it also gives the small-message RTT); echo and downstream start here,
 * since their small sizes are the same exchange as upstream's (a small request, a small answer).
 */
export const LARGE_FROM = 1300;
/** TCP never fragments at the IP layer: a few sizes show that it carries them all, for comparison. */
export const TCP_SIZES = [500, 1500, 8000];
/** The answer the reflector is asked for when only the request is to be large. */
export const SMALL_RESPONSE_BYTES = 500;
/** How long a UDP size holds the lane before the next goes; its answer is still awaited until LATE_WINDOW_MS. */
export const SIZE_WAIT_MS = 1500;
/** An answer within this time of its request is late, not lost (seed 001 saw delays of seconds). */
export const LATE_WINDOW_MS = 5000;
/**
 * The first UDP request (the reflector's cookie fetch, else the smallest upstream size; retransmitted
 * on Timer E): unanswered by then, UDP to the target is silent and no size is tried.
 */
export const FIRST_ANSWER_WAIT_MS = 2000;
/**
 * Against a registrar, upstream (only the request large) is timed only at sizes where echo (both
 * large) went unanswered or was this much slower than the smallest echo: there it tells which
 * direction is at fault; elsewhere it would add requests and nothing else.
 */
export const SLOW_ECHO_MS = 250;
/** A series stops climbing after this many sizes in a row went unanswered. */
export const MAX_CONSECUTIVE_LOSSES = 2;
/** Bisection steps between the largest delivered and the smallest lost size, and where it stops. */
export const MAX_BISECTION_STEPS = 4;
export const BISECTION_RESOLUTION = 32;
/** The whole probe ends by then; sizes not reached are reported as not tried. */
export const FRAGMENTATION_DEADLINE_MS = 30_000;

export interface FragmentationOptions {
  target: Target;
  domain: string;
  user: string;
  transports: Array<'udp' | 'tcp'>;
  /** The SIP Ladder reflector answers with responses of a requested size (downstream test). */
  reflector: boolean;
  caPem?: string;
}

type Mode = FragmentationSeries['mode'];

/** The request for one point, and the answer size asked of the reflector. */
interface Request { bytes: Uint8Array; branch: string; callId: string; expectedResponseSize?: number }

type Base = Pick<RequestParams, 'domain' | 'user' | 'local' | 'fromTag' | 'cseq'> & { transport: 'udp' | 'tcp' };

const params = (ids: IdSource, base: Base, extra: RequestParams['extra'] = []): RequestParams => ({ ...base, rport: true, branch: ids.branch(), callId: ids.callId(), extra });

/**
 * With the reflector every request is padded with a header it does not copy, and the answer is
 * sized exactly; against a registrar, echo pads the Call-ID, which every response copies (§8.2.6.2).
 * Only downstream asks for an answer larger than the request: over UDP it shows the cookie.
 */
function sizedRequest(ids: IdSource, base: Base, reflector: boolean, mode: Mode, size: number, cookie: string | null): Request {
  const answer = !reflector ? undefined : mode === 'upstream' ? SMALL_RESPONSE_BYTES : size;
  const p = params(ids, base, answer === undefined ? [] : [[RESPONSE_SIZE_HEADER, String(answer)]]);
  const padding: PaddingMode = reflector || mode === 'upstream' ? 'upstream' : 'echo';
  const req = buildSizedOptions(cookie && mode === 'downstream' ? withCookie(p, cookie) : p, '', padding, mode === 'downstream' ? 0 : size);
  return { bytes: req.bytes, branch: p.branch, callId: req.callId, expectedResponseSize: answer };
}

const notTried = (size: number, why: string): SizePoint => ({ size, delivered: false, sends: 0, detail: `not tried: ${why}` });

/** Sizes in a row, up to the last one tried, still unanswered now (a late answer ends the run). */
function trailingLosses(points: SizePoint[]): number {
  let n = 0;
  for (const p of [...points].reverse().filter((x) => x.sends > 0)) {
    if (p.delivered) break;
    n++;
  }
  return n;
}

const largestAnswered = (points: SizePoint[]): number => Math.max(0, ...points.filter((p) => p.delivered).map((p) => p.size));

/**
 * The largest answered size (at least `floor`, a size known to get through) and the smallest
 * unanswered one above it, when bisection can still narrow them.
 */
function lossGap(points: SizePoint[], floor = 0): { lo: number; hi: SizePoint } | null {
  const tried = points.filter((p) => p.sends > 0);
  const lo = Math.max(floor, largestAnswered(points));
  const hi = tried.filter((p) => !p.delivered && p.size > lo).sort((a, b) => a.size - b.size)[0];
  return lo && hi && hi.size - lo > BISECTION_RESOLUTION ? { lo, hi } : null;
}

/** Largest delivered and smallest lost size above it, from the settled points. */
function summarise(series: FragmentationSeries): FragmentationSeries {
  series.points.sort((a, b) => a.size - b.size);
  const tried = series.points.filter((p) => p.sends > 0);
  const delivered = tried.filter((p) => p.delivered).map((p) => p.size);
  series.largestDelivered = delivered.length ? Math.max(...delivered) : undefined;
  const lost = tried.filter((p) => !p.delivered && p.size > (series.largestDelivered ?? 0)).map((p) => p.size);
  series.smallestLost = lost.length ? Math.min(...lost) : undefined;
  return series;
}

export async function probeFragmentation(o: FragmentationOptions, deps: EngineDeps, trace: TraceRecorder, rate: RateLimiter, attempt: number,
  signal: AbortSignal): Promise<FragmentationResult> {
  const t0 = deps.clock.now();
  const deadlineAt = t0 + FRAGMENTATION_DEADLINE_MS;
  const result: FragmentationResult = { target: { ...o.target }, outcome: 'ok', detail: '', series: [], skipped: [], durationMs: 0, traceSeqs: [] };
  if (!o.reflector && o.transports.includes('udp')) result.skipped.push('downstream sizes (only the response large): they need the SIP Ladder reflector (--reflector)');
  const ids = idSource(deps.random);
  const fromTag = ids.tag();
  let cseq = 0;
  const remote = { address: o.target.address, port: o.target.port };
  const over = (): boolean => signal.aborted || deps.clock.now() >= deadlineAt;

  // UDP and TCP do not share a queue of fragments, so they run side by side.
  const [udp, tcp] = await Promise.all([
    o.transports.includes('udp') ? runUdp() : Promise.resolve([]),
    o.transports.includes('tcp') ? runTcp() : Promise.resolve([]),
  ]);
  result.series = [...udp, ...tcp].map(summarise);
  result.durationMs = Math.round(deps.clock.now() - t0);
  if (signal.aborted) result.outcome = 'aborted';
  else if (result.series.every((s) => s.points.every((p) => !p.delivered))) {
    result.outcome = 'no-response';
    result.detail = 'no OPTIONS request of any size was answered';
  }
  return result;

  async function runUdp(): Promise<FragmentationSeries[]> {
    const modes: Mode[] = o.reflector ? ['upstream', 'echo', 'downstream'] : ['echo', 'upstream'];
    const series = modes.map((mode): FragmentationSeries => ({ transport: 'udp', mode, points: [] }));
    const sizes = o.reflector ? FRAGMENTATION_SIZES : REGISTRAR_SIZES;
    const echo = series.find((x) => x.mode === 'echo')!;
    /** Registrar: echo at this size was lost (so far) or slow, so upstream is timed there too. */
    const echoFailed = (size: number): boolean => {
      const p = echo.points.find((x) => x.size === size && x.sends > 0);
      const small = echo.points.find((x) => x.delivered)?.rttMs ?? Infinity;
      return !!p && (!p.delivered || p.rttMs! - small > SLOW_ECHO_MS);
    };
    const ladder = (mode: Mode): number[] => sizes.filter((s) => (o.reflector ? mode === 'upstream' || s >= LARGE_FROM : mode === 'echo' || echoFailed(s)));
    const lane = await UdpLane.open({ deps, trace, rate, attempt, signal, traceSeqs: result.traceSeqs }, remote);
    if (typeof lane === 'string') return series.map((s) => ({ transport: 'udp', mode: s.mode, points: ladder(s.mode).map((size) => notTried(size, lane)) }));
    const base = (): Base => ({ transport: 'udp', domain: o.domain, user: o.user, local: lane.local, fromTag, cseq: ++cseq });
    const step = (mode: Mode, size: number, bisection = false): UdpStep & { point: SizePoint } => {
      // Every reflector answer carries the cookie for our address and port; any one will do.
      const cookie = lane.answers.map(cookieOf).find((c) => c !== null) ?? null;
      const req = sizedRequest(ids, base(), o.reflector, mode, size, cookie);
      const point: SizePoint = { size, delivered: false, sends: 0, expectedResponseSize: req.expectedResponseSize, ...(bisection ? { bisection } : {}) };
      return { ...req, what: `OPTIONS ${mode} ${size} bytes`, point };
    };
    /** The reflector's cookie, fetched with a padded OPTIONS (answered even before routability is shown). */
    const fetchCookie = async (): Promise<boolean> => {
      const p = params(ids, base());
      const req = cookieFetchOptions(p);
      const point: SizePoint = { size: req.bytes.length, delivered: false, sends: 0 };
      await lane.send({ bytes: req.bytes, branch: p.branch, callId: req.callId, what: 'OPTIONS to fetch the reflector cookie (padded)', point }, FIRST_ANSWER_WAIT_MS, true);
      return point.delivered;
    };
    try {
      // The first request tells whether UDP is answered at all; with the reflector it brings the cookie.
      let first = !o.reflector;
      let silent = o.reflector && !(await fetchCookie());
      for (const size of sizes) {
        // The filter runs per series, after the previous one's answer: upstream follows echo's outcome.
        for (const s of series) {
          if (!ladder(s.mode).includes(size)) continue;
          const why = silent ? `the first UDP request got no answer within ${FIRST_ANSWER_WAIT_MS} ms`
            : trailingLosses(s.points) >= MAX_CONSECUTIVE_LOSSES ? 'smaller sizes were already lost' : over() ? 'time limit' : '';
          if (why) {
            s.points.push(notTried(size, why));
            continue;
          }
          const st = step(s.mode, size);
          s.points.push(st.point);
          await lane.send(st, first ? FIRST_ANSWER_WAIT_MS : SIZE_WAIT_MS, first);
          silent = first && !st.point.delivered;
          first = false;
        }
      }
      if (!silent) {
        // A request size that echo got through goes through upstream too: bisection starts there.
        for (const s of series) await bisect(lane, s, step, !o.reflector && s.mode === 'upstream' ? largestAnswered(echo.points) : 0);
        await lane.settle(LATE_WINDOW_MS, deadlineAt);
      }
    } finally {
      lane.close();
    }
    for (const p of series.flatMap((s) => s.points)) {
      if (p.sends > 0 && !p.delivered) p.detail = `no answer within ${p.sends > 1 ? FIRST_ANSWER_WAIT_MS : LATE_WINDOW_MS} ms`;
    }
    if (series.some((s) => s.points.length === 0)) result.skipped.push('upstream sizes (only the request large): every echo size was answered on time, so no direction needed telling apart');
    return series.filter((s) => s.points.length > 0);
  }

  /**
   * Halves the gap between the largest answered and the smallest unanswered size of a series. The
   * unanswered end must be settled first: an answer that is only late closes the gap instead.
   */
  async function bisect(lane: UdpLane, s: FragmentationSeries, step: (mode: Mode, size: number, bisection: boolean) => UdpStep & { point: SizePoint },
    floor: number): Promise<void> {
    for (let i = 0; i < MAX_BISECTION_STEPS && !over(); i++) {
      const unsettled = lossGap(s.points, floor);
      if (!unsettled) return;
      await lane.settle(LATE_WINDOW_MS, deadlineAt, [unsettled.hi]);
      const gap = lossGap(s.points, floor);
      if (!gap || over()) return;
      const st = step(s.mode, Math.round((gap.lo + gap.hi.size) / 2), true);
      s.points.push(st.point);
      await lane.send(st, SIZE_WAIT_MS);
    }
  }

  async function runTcp(): Promise<FragmentationSeries[]> {
    const series: FragmentationSeries = { transport: 'tcp', mode: 'echo', points: [] };
    const opened = await SipFlow.open({
      attempt, transport: 'tcp', host: o.target.host, remote, tlsVerify: true, caPem: o.caPem, wsPath: '/', deps, trace, rate, signal, deadlineAt, traceSeqs: result.traceSeqs,
    });
    if (!opened.ok) {
      series.points = TCP_SIZES.map((size) => notTried(size, opened.detail));
      return [series];
    }
    const flow = opened.flow;
    try {
      for (const size of TCP_SIZES) {
        const losses = trailingLosses(series.points);
        if (over() || losses >= MAX_CONSECUTIVE_LOSSES) {
          series.points.push(notTried(size, losses ? 'smaller sizes were already lost' : 'time limit'));
          continue;
        }
        const req = sizedRequest(ids, { transport: 'tcp', domain: o.domain, user: o.user, local: flow.channel.local, fromTag, cseq: ++cseq }, o.reflector, 'echo', size, null);
        const point: SizePoint = { size, requestSize: req.bytes.length, expectedResponseSize: req.expectedResponseSize, delivered: false, sends: 0 };
        const tx = await flow.transaction(req.bytes, { branch: req.branch, callId: req.callId, method: 'OPTIONS' }, LATE_WINDOW_MS, `OPTIONS echo ${size} bytes`);
        if (tx.kind === 'response') Object.assign(point, { delivered: true, rttMs: tx.rttMs, sends: tx.sends, status: tx.msg.status, responseSize: tx.msg.raw.length });
        else if (tx.kind === 'timeout') Object.assign(point, { sends: tx.sends, detail: `no response within ${tx.waitedMs} ms` });
        else point.detail = `${tx.outcome}: ${tx.detail}`;
        series.points.push(point);
      }
    } finally {
      flow.close();
    }
    return [series];
  }
}
