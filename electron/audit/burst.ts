// The rate-limiting test (only with --burst): a short, bounded burst of OPTIONS at the engine's
// rate limit (never faster), each from a flow of its own, and how many the server still answered.
// A server that throttles (Kamailio pike, fail2ban …) goes silent part-way; it may also ban this
// address for a while, which is why the test is off by default.
import type { AuditRecord } from '../../shared/audit/model.js';
import { buildAuditRequest } from '../../shared/audit/requests.js';
import type { AttemptResult } from '../../shared/model/results.js';
import { USER_AGENT } from '../../shared/sip/requests.js';
import { sleep } from '../engine/deps.js';
import type { Target } from '../engine/dns.js';
import { MAX_REQUESTS_PER_SECOND, RATE_WINDOW_MS, RateLimiter } from '../engine/safety.js';
import { SipFlow } from '../engine/sip-flow.js';
import type { AuditRun } from './session.js';

/** Requests in the burst: three rounds of the engine's limit of 8 per second. */
export const BURST_REQUESTS = 24;
/**
 * Requests started together: one limiter window's worth, so each is sent as soon as it starts and
 * its wait measures the server, not the queue; the next round starts when this one has ended.
 */
export const BURST_ROUND = MAX_REQUESTS_PER_SECOND;
/** Wait per request: sends at 0 and 0.5 s (Timer E), then it counts as unanswered. */
export const BURST_WAIT_MS = 1000;

async function oneOptions(
  run: AuditRun,
  rate: RateLimiter,
  attempt: AttemptResult,
  target: Target,
  n: number,
): Promise<{ answered: boolean; sentAt?: number }> {
  const opened = await SipFlow.open({
    attempt: attempt.id,
    transport: 'udp',
    host: target.host,
    remote: { address: target.address, port: target.port },
    tlsVerify: false,
    wsPath: '/',
    deps: run.deps,
    trace: run.trace,
    rate,
    signal: run.signal,
    deadlineAt: run.deadlineAt,
    traceSeqs: attempt.traceSeqs,
  });
  if (!opened.ok) return { answered: false };
  const flow = opened.flow;
  try {
    const branch = run.ids.branch();
    const callId = run.ids.callId();
    const bytes = buildAuditRequest({
      method: 'OPTIONS',
      transport: 'udp',
      domain: run.domain,
      fromUser: 'burst',
      local: flow.channel.local,
      branch,
      callId,
      fromTag: run.ids.tag(),
      cseq: 1,
      userAgent: USER_AGENT,
    });
    const tx = await flow.transaction(bytes, { branch, callId, method: 'OPTIONS' }, BURST_WAIT_MS, `OPTIONS burst ${n}/${BURST_REQUESTS}`);
    attempt.requestsSent += flow.stats.requestsSent;
    attempt.retransmissions += flow.stats.retransmissions;
    const sent = run.trace.events.find((e) => e.attempt === attempt.id && e.kind === 'sent' && e.note === `OPTIONS burst ${n}/${BURST_REQUESTS}`);
    return { answered: tx.kind === 'response', sentAt: sent?.t };
  } finally {
    flow.close();
  }
}

export async function burstTest(run: AuditRun, target: Target, record: AuditRecord): Promise<void> {
  const attempt: AttemptResult = {
    id: run.attempts.length + 1,
    label: `OPTIONS burst (${BURST_REQUESTS} at most 8 per second)`,
    transport: 'udp',
    target: { ...target },
    sourcePortMode: 'ephemeral',
    rport: true,
    outcome: 'answered',
    detail: '',
    durationMs: 0,
    startedAt: run.trace.elapsed(),
    requestsSent: 0,
    retransmissions: 0,
    responsesFromElsewhere: [],
    traceSeqs: [],
  };
  run.attempts.push(attempt);
  // The other tests' requests must have left the limiter's window: the burst alone fills it.
  await sleep(run.deps.clock, RATE_WINDOW_MS, run.signal).catch(() => undefined);
  const rate = new RateLimiter(run.deps.clock);
  run.onStep?.(`OPTIONS burst: ${BURST_REQUESTS} requests at the engine's rate limit`);
  const results: Array<Awaited<ReturnType<typeof oneOptions>>> = [];
  for (let from = 0; from < BURST_REQUESTS && !run.signal.aborted; from += BURST_ROUND) {
    const round = Array.from({ length: Math.min(BURST_ROUND, BURST_REQUESTS - from) }, (_, i) => oneOptions(run, rate, attempt, target, from + i + 1));
    results.push(...(await Promise.all(round)));
  }
  const firstUnanswered = results.findIndex((r) => !r.answered);
  const times = results
    .map((r) => r.sentAt)
    .filter((t): t is number => t !== undefined)
    .sort((a, b) => a - b);
  record.burst = {
    sent: times.length,
    answered: results.filter((r) => r.answered).length,
    ...(firstUnanswered >= 0 ? { firstUnanswered: firstUnanswered + 1 } : {}),
    peakPerSecond: Math.max(0, ...times.map((t, i) => times.filter((u, j) => j >= i && u - t < RATE_WINDOW_MS).length)),
  };
  attempt.detail = `${record.burst.answered} of ${record.burst.sent} answered`;
  attempt.outcome = record.burst.answered === 0 ? 'no-response' : 'answered';
  attempt.durationMs = Math.round(run.trace.elapsed() - attempt.startedAt);
}
