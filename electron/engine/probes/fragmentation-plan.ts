// The plan of the fragmentation probe (fragmentation.ts): sizes, waits, the request for each point,
// and how a series is read (what is settled, what bisection may still narrow).
import type { IdSource } from '../../../shared/sip/ids.js';
import { buildSizedOptions, RESPONSE_SIZE_HEADER, type PaddingMode, type RequestParams } from '../../../shared/sip/requests.js';
import type { FragmentationResult, FragmentationSeries, SizePoint } from '../../../shared/model/path-results.js';
import type { Endpoint } from '../../../shared/model/trace.js';
import type { EngineDeps } from '../deps.js';
import type { RateLimiter } from '../safety.js';
import type { TraceRecorder } from '../trace-recorder.js';
import { withCookie } from './reflector-cookie.js';

/** Ladder of sizes: below and above the 1472-byte UDP payload of a 1500-byte MTU, up to 8 KB. */
export const FRAGMENTATION_SIZES = [500, 1000, 1300, 1400, 1472, 1500, 2000, 3000, 4000, 8000];
/**
 * The shorter ladder against a registrar: it is not ours, every request costs an eighth of a second
 * of its rate limit (shared with the matrix), and bisection fills in the gaps where something is lost.
 */
export const REGISTRAR_SIZES = [500, 1300, 1472, 1500, 3000, 8000];
/**
 * RFC 3261 §18.1.1: messages under 1300 bytes are expected to fit any path. With the reflector the
 * upstream series climbs from the bottom (it also gives the small-message RTT); echo and downstream
 * start here, since their small sizes are the same exchange as upstream's (a small request, a small answer).
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
 * The first UDP request (the reflector's cookie fetch, else the smallest echo size; retransmitted
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

/** What one run of the probe shares between its UDP and TCP series. */
export interface ProbeContext {
  deps: EngineDeps;
  trace: TraceRecorder;
  rate: RateLimiter;
  attempt: number;
  signal: AbortSignal;
  deadlineAt: number;
  remote: Endpoint & { host: string };
  domain: string;
  user: string;
  /** The target is a SIP Ladder reflector: it sizes its answers on request. */
  reflector: boolean;
  ids: IdSource;
  fromTag: string;
  nextCseq(): number;
  result: FragmentationResult;
}

/** Past the deadline, or cancelled: no more requests. */
export const over = (ctx: ProbeContext): boolean => ctx.signal.aborted || ctx.deps.clock.now() >= ctx.deadlineAt;
/** A wait of `ms`, cut short by the probe's deadline. */
export const within = (ctx: ProbeContext, ms: number): number => Math.max(0, Math.min(ms, ctx.deadlineAt - ctx.deps.clock.now()));

export type Mode = FragmentationSeries['mode'];

/** The request for one point, and the answer size asked of the reflector. */
export interface Request {
  bytes: Uint8Array;
  branch: string;
  callId: string;
  expectedResponseSize?: number;
}

/** Fresh request parameters on this run's dialog-less sequence (its From tag, the next CSeq). */
export const params = (ctx: ProbeContext, transport: 'udp' | 'tcp', local: Endpoint, extra: RequestParams['extra'] = []): RequestParams => ({
  transport,
  domain: ctx.domain,
  user: ctx.user,
  local,
  rport: true,
  branch: ctx.ids.branch(),
  callId: ctx.ids.callId(),
  fromTag: ctx.fromTag,
  cseq: ctx.nextCseq(),
  extra,
});

/**
 * With the reflector every request is padded with a header it does not copy, and the answer is
 * sized exactly; against a registrar, echo pads the Call-ID, which every response copies (§8.2.6.2).
 * Only downstream asks for an answer larger than the request: over UDP it shows the cookie.
 */
export function sizedRequest(ctx: ProbeContext, transport: 'udp' | 'tcp', local: Endpoint, mode: Mode, size: number, cookie: string | null): Request {
  const answer = !ctx.reflector ? undefined : mode === 'upstream' ? SMALL_RESPONSE_BYTES : size;
  const p = params(ctx, transport, local, answer === undefined ? [] : [[RESPONSE_SIZE_HEADER, String(answer)]]);
  const padding: PaddingMode = ctx.reflector || mode === 'upstream' ? 'upstream' : 'echo';
  const req = buildSizedOptions(cookie && mode === 'downstream' ? withCookie(p, cookie) : p, '', padding, mode === 'downstream' ? 0 : size);
  return { bytes: req.bytes, branch: p.branch, callId: req.callId, expectedResponseSize: answer };
}

export const notTried = (size: number, why: string): SizePoint => ({ size, delivered: false, sends: 0, detail: `not tried: ${why}` });

/** Sizes in a row, up to the last one tried, still unanswered now (a late answer ends the run). */
export function trailingLosses(points: SizePoint[]): number {
  let n = 0;
  for (const p of [...points].reverse().filter((x) => x.sends > 0)) {
    if (p.delivered) break;
    n++;
  }
  return n;
}

export const largestAnswered = (points: SizePoint[]): number => Math.max(0, ...points.filter((p) => p.delivered).map((p) => p.size));

/**
 * The largest answered size (at least `floor`, a size known to get through) and the smallest
 * unanswered one above it, when bisection can still narrow them.
 */
export function lossGap(points: SizePoint[], floor = 0): { lo: number; hi: SizePoint } | null {
  const tried = points.filter((p) => p.sends > 0);
  const lo = Math.max(floor, largestAnswered(points));
  const hi = tried.filter((p) => !p.delivered && p.size > lo).sort((a, b) => a.size - b.size)[0];
  return lo && hi && hi.size - lo > BISECTION_RESOLUTION ? { lo, hi } : null;
}

/** Largest delivered and smallest lost size above it, from the settled points. */
export function summarise(series: FragmentationSeries): FragmentationSeries {
  series.points.sort((a, b) => a.size - b.size);
  const tried = series.points.filter((p) => p.sends > 0);
  const delivered = tried.filter((p) => p.delivered).map((p) => p.size);
  series.largestDelivered = delivered.length ? Math.max(...delivered) : undefined;
  const lost = tried.filter((p) => !p.delivered && p.size > (series.largestDelivered ?? 0)).map((p) => p.size);
  series.smallestLost = lost.length ? Math.min(...lost) : undefined;
  return series;
}
