// Fragmentation and MTU latency (seed 001; RFC 3261 §18.1.1): OPTIONS requests of growing size
// over UDP and TCP, padded so that only the request is large (upstream), both directions are
// (echo: the Call-ID every response copies), or only the response is (downstream, reflector).
import { idSource } from '../../../shared/sip/ids.js';
import { buildSizedOptions, type PaddingMode } from '../../../shared/sip/requests.js';
import type { FragmentationResult, FragmentationSeries, SizePoint } from '../../../shared/model/path-results.js';
import type { EngineDeps } from '../deps.js';
import type { Target } from '../dns.js';
import type { RateLimiter } from '../safety.js';
import { SipFlow } from '../sip-flow.js';
import type { TraceRecorder } from '../trace-recorder.js';

/** Ladder of sizes: below and above the 1472-byte UDP payload of a 1500-byte MTU, up to 8 KB. */
export const FRAGMENTATION_SIZES = [500, 1000, 1300, 1400, 1472, 1500, 2000, 3000, 4000, 8000];
/** Wait per size; delays of seconds (seed 001) must still count as delivered. */
export const SIZE_WAIT_MS = 4000;
/** A series stops climbing after this many sizes in a row were lost. */
export const MAX_CONSECUTIVE_LOSSES = 2;
/** Bisection steps between the largest delivered and the smallest lost size. */
export const MAX_BISECTION_STEPS = 4;
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

export async function probeFragmentation(o: FragmentationOptions, deps: EngineDeps, trace: TraceRecorder, rate: RateLimiter, attempt: number,
  signal: AbortSignal): Promise<FragmentationResult> {
  const t0 = deps.clock.now();
  const deadlineAt = t0 + FRAGMENTATION_DEADLINE_MS;
  const result: FragmentationResult = { target: { ...o.target }, outcome: 'ok', detail: '', series: [], skipped: [], durationMs: 0, traceSeqs: [] };
  const modes: PaddingMode[] = o.reflector ? ['upstream', 'echo', 'downstream'] : ['upstream', 'echo'];
  if (!o.reflector) result.skipped.push('downstream-only sizes: they need the SIP Ladder reflector (--reflector)');
  const ids = idSource(deps.random);

  // One flow per (transport, mode), in parallel: sizes within a series go one after another so
  // that a slow large message cannot hide behind a small one.
  const runs = o.transports.flatMap((transport) => modes.map((mode) => runSeries(transport, mode)));
  result.series = await Promise.all(runs);
  result.durationMs = Math.round(deps.clock.now() - t0);
  if (signal.aborted) result.outcome = 'aborted';
  else if (result.series.every((s) => s.points.every((p) => !p.delivered))) {
    result.outcome = 'no-response';
    result.detail = 'no OPTIONS request of any size was answered';
  }
  return result;

  async function runSeries(transport: 'udp' | 'tcp', mode: PaddingMode): Promise<FragmentationSeries> {
    const series: FragmentationSeries = { transport, mode, points: [] };
    const opened = await SipFlow.open({
      attempt, transport, host: o.target.host, remote: { address: o.target.address, port: o.target.port }, tlsVerify: true, caPem: o.caPem,
      wsPath: '/', deps, trace, rate, signal, deadlineAt, traceSeqs: result.traceSeqs,
    });
    if (!opened.ok) {
      series.points = FRAGMENTATION_SIZES.map((size) => ({ size, delivered: false, sends: 0, detail: `not tried: ${opened.detail}` }));
      return series;
    }
    const flow = opened.flow;
    const wsHost = `${ids.tag()}.invalid`;
    const fromTag = ids.tag();
    let cseq = 0;
    const trySize = async (size: number): Promise<SizePoint> => {
      const branch = ids.branch();
      const req = buildSizedOptions({
        transport, domain: o.domain, user: o.user, local: flow.channel.local, rport: true, branch, callId: ids.callId(), fromTag, cseq: ++cseq,
      }, wsHost, mode, size);
      const what = `OPTIONS ${mode} ${size} bytes`;
      const tx = await flow.transaction(req.bytes, { branch, callId: req.callId, method: 'OPTIONS' }, SIZE_WAIT_MS, what);
      if (tx.kind === 'response') return { size, delivered: true, rttMs: tx.rttMs, sends: tx.sends, status: tx.msg.status, responseSize: tx.msg.raw.length };
      if (tx.kind === 'timeout') return { size, delivered: false, sends: tx.sends, detail: `no response within ${tx.waitedMs} ms` };
      return { size, delivered: false, sends: 0, detail: `${tx.outcome}: ${tx.detail}` };
    };
    try {
      let losses = 0;
      for (const size of FRAGMENTATION_SIZES) {
        if (signal.aborted || deps.clock.now() >= deadlineAt || losses >= MAX_CONSECUTIVE_LOSSES) {
          series.points.push({ size, delivered: false, sends: 0, detail: losses >= MAX_CONSECUTIVE_LOSSES ? 'not tried: smaller sizes were already lost' : 'not tried: time limit' });
          continue;
        }
        const p = await trySize(size);
        series.points.push(p);
        losses = p.delivered ? 0 : losses + 1;
      }
      bisect: for (let step = 0; step < MAX_BISECTION_STEPS; step++) {
        const tried = series.points.filter((p) => p.sends > 0);
        const lo = Math.max(0, ...tried.filter((p) => p.delivered).map((p) => p.size));
        const hi = Math.min(...tried.filter((p) => !p.delivered && p.size > lo).map((p) => p.size));
        if (!lo || !Number.isFinite(hi) || hi - lo <= 32 || signal.aborted || deps.clock.now() >= deadlineAt) break bisect;
        series.points.push({ ...(await trySize(Math.round((lo + hi) / 2))), bisection: true });
      }
    } finally {
      flow.close();
    }
    series.points.sort((a, b) => a.size - b.size);
    const tried = series.points.filter((p) => p.sends > 0);
    const delivered = tried.filter((p) => p.delivered).map((p) => p.size);
    series.largestDelivered = delivered.length ? Math.max(...delivered) : undefined;
    const lost = tried.filter((p) => !p.delivered && p.size > (series.largestDelivered ?? 0)).map((p) => p.size);
    series.smallestLost = lost.length ? Math.min(...lost) : undefined;
    return series;
  }
}
