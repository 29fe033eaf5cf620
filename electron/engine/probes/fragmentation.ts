// Fragmentation and MTU latency (seed 001; RFC 3261 §18.1.1): OPTIONS of growing size. Each
// direction is sized on its own: upstream (only the request is large), echo (both), downstream
// (only the response: the reflector's X-SipLadder-Response-Size). Every point records the bytes
// of both the request and the response, so a loss is put on the direction that carried the
// large message. UDP goes one datagram at a time (fragmentation-udp.ts); TCP is the yardstick.
import { idSource } from '../../../shared/sip/ids.js';
import type { FragmentationResult, FragmentationSeries, SizePoint } from '../../../shared/model/path-results.js';
import type { Target } from '../dns.js';
import { SipFlow } from '../sip-flow.js';
import { runUdpSeries } from './fragmentation-udp.js';
import {
  FRAGMENTATION_DEADLINE_MS,
  LATE_WINDOW_MS,
  MAX_CONSECUTIVE_LOSSES,
  notTried,
  over,
  sizedRequest,
  summarise,
  TCP_SIZES,
  trailingLosses,
  type ProbeContext,
} from './fragmentation-plan.js';
import type { ProbeEnv } from './env.js';

export interface FragmentationOptions {
  target: Target;
  domain: string;
  user: string;
  transports: Array<'udp' | 'tcp'>;
  /** The SIP Ladder reflector answers with responses of a requested size (downstream test). */
  reflector: boolean;
  caPem?: string;
}

export async function probeFragmentation(o: FragmentationOptions & ProbeEnv): Promise<FragmentationResult> {
  const { deps, trace, rate, attempt, signal } = o;
  const t0 = deps.clock.now();
  const result: FragmentationResult = { target: { ...o.target }, outcome: 'ok', detail: '', series: [], skipped: [], durationMs: 0, traceSeqs: [] };
  if (!o.reflector && o.transports.includes('udp'))
    result.skipped.push('downstream sizes (only the response large): they need the SIP Ladder reflector (--reflector)');
  const ids = idSource(deps.random);
  let cseq = 0;
  const ctx: ProbeContext = {
    deps,
    trace,
    rate,
    attempt,
    signal,
    deadlineAt: t0 + FRAGMENTATION_DEADLINE_MS,
    remote: { host: o.target.host, address: o.target.address, port: o.target.port },
    domain: o.domain,
    user: o.user,
    reflector: o.reflector,
    ids,
    fromTag: ids.tag(),
    nextCseq: () => ++cseq,
    result,
  };
  // UDP and TCP do not share a queue of fragments, so they run side by side.
  const [udp, tcp] = await Promise.all([
    o.transports.includes('udp') ? runUdpSeries(ctx) : Promise.resolve([]),
    o.transports.includes('tcp') ? runTcpSeries(ctx, o.caPem) : Promise.resolve([]),
  ]);
  result.series = [...udp, ...tcp].map(summarise);
  result.durationMs = Math.round(deps.clock.now() - t0);
  if (signal.aborted) result.outcome = 'aborted';
  else if (result.series.every((s) => s.points.every((p) => !p.delivered))) {
    result.outcome = 'no-response';
    result.detail = 'no OPTIONS request of any size was answered';
  }
  return result;
}

/** TCP echo sizes: the comparison that shows the same messages get through a congestion-controlled transport. */
async function runTcpSeries(ctx: ProbeContext, caPem: string | undefined): Promise<FragmentationSeries[]> {
  const series: FragmentationSeries = { transport: 'tcp', mode: 'echo', points: [] };
  const { deps, trace, rate, signal, deadlineAt, attempt, remote } = ctx;
  const opened = await SipFlow.open({
    attempt,
    transport: 'tcp',
    host: remote.host,
    remote: { address: remote.address, port: remote.port },
    tlsVerify: true,
    caPem,
    wsPath: '/',
    deps,
    trace,
    rate,
    signal,
    deadlineAt,
    traceSeqs: ctx.result.traceSeqs,
  });
  if (!opened.ok) return [{ ...series, points: TCP_SIZES.map((size) => notTried(size, opened.detail)) }];
  const flow = opened.flow;
  try {
    for (const size of TCP_SIZES) {
      const losses = trailingLosses(series.points);
      if (over(ctx) || losses >= MAX_CONSECUTIVE_LOSSES) {
        series.points.push(notTried(size, losses ? 'smaller sizes were already lost' : 'time limit'));
        continue;
      }
      const req = sizedRequest(ctx, 'tcp', flow.channel.local, 'echo', size, null);
      const point: SizePoint = { size, requestSize: req.bytes.length, expectedResponseSize: req.expectedResponseSize, delivered: false, sends: 0 };
      const tx = await flow.transaction(req.bytes, { branch: req.branch, callId: req.callId, method: 'OPTIONS' }, LATE_WINDOW_MS, `OPTIONS echo ${size} bytes`);
      if (tx.kind === 'response')
        Object.assign(point, { delivered: true, rttMs: tx.rttMs, sends: tx.sends, status: tx.msg.status, responseSize: tx.msg.raw.length });
      else if (tx.kind === 'timeout') Object.assign(point, { sends: tx.sends, detail: `no response within ${tx.waitedMs} ms` });
      else point.detail = `${tx.outcome}: ${tx.detail}`;
      series.points.push(point);
    }
  } finally {
    flow.close();
  }
  return [series];
}
