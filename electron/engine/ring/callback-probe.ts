// Client side of the reflector callback test: register to the reflector over UDP, ask for callbacks
// after the chosen delays (callback-protocol.ts), stay quiet, and see which callbacks reach the flow
// and whether the INVITE arrived changed. How long the router keeps the flow open for inbound
// requests is the quiet time before the last callback that arrived (and the first that did not).
import { fromBase64, fromUtf8, utf8 } from '../../../shared/hash/utf8.js';
import type { CallbackProbe, CallbackResult } from '../../../shared/model/ring.js';
import type { TraceEvent } from '../../../shared/model/trace.js';
import { compareRequest } from '../../../shared/sip/alg-compare.js';
import { idSource } from '../../../shared/sip/ids.js';
import { headerValue, type SipMessage } from '../../../shared/sip/message.js';
import { parseMessage } from '../../../shared/sip/parse.js';
import { buildSizedOptions, COOKIE_HEADER } from '../../../shared/sip/requests.js';
import { CALLBACK_DELAY_HEADER, CALLBACK_HEADER, parseSchedule, SENT_COPY_HEADER } from '../../reflector/callback-protocol.js';
import type { EngineDeps } from '../deps.js';
import { resolveTargets } from '../dns.js';
import { REFLECTOR_PORT } from '../path-probes.js';
import { TraceRecorder } from '../trace-recorder.js';
import { SESSION_ATTEMPT, withListenSession, type ListenSession } from './listen-session.js';
import { RINGING_MS } from './uas.js';

/** Sends of the schedule request (UDP, until answered), and how long to wait for its answer. */
export const SCHEDULE_SEND_TIMES_MS = [0, 500, 1500];
export const SCHEDULE_WAIT_MS = 3000;
/** After a callback is due: the reflector's retransmissions (to 1.5 s) and the path; later counts as missing. */
export const CALLBACK_GRACE_MS = 3000;
/** User part the probe registers (the reflector accepts any). */
const CALLBACK_USER = 'sipladder-callback';

export interface CallbackProbeOptions {
  reflector: { host: string; port?: number };
  delaysS: number[];
  localPort?: number;
}

/** Asks for the schedule on the registered flow; the run ms it was accepted, or why not. */
async function requestSchedule(s: ListenSession, delaysS: number[], deps: EngineDeps, elapsed: () => number): Promise<{ at: number } | { refused: string }> {
  const ids = idSource(deps.random);
  const callId = ids.callId();
  const cookie = headerValue(s.accepted, COOKIE_HEADER);
  const { bytes } = buildSizedOptions(
    {
      transport: 'udp',
      domain: s.channel.remote.address,
      user: CALLBACK_USER,
      local: s.channel.local,
      rport: true,
      branch: ids.branch(),
      callId,
      fromTag: ids.tag(),
      cseq: 1,
      extra: [[CALLBACK_HEADER, delaysS.join(',')], ...(cookie ? [[COOKIE_HEADER, cookie] as const] : [])],
    },
    '',
    'upstream',
    0,
  );
  const answers = s.claim(callId);
  const start = elapsed();
  for (const at of SCHEDULE_SEND_TIMES_MS) {
    await s.waitUntil(() => answers.length > 0, start + at);
    if (answers.length) break;
    await s.rate.take(s.channel.remote.address);
    s.send(bytes, at ? 'callback schedule (retransmission)' : `callback schedule: ${delaysS.join(', ')} s`);
  }
  await s.waitUntil(() => answers.length > 0, start + SCHEDULE_WAIT_MS);
  const res = answers[0];
  if (!res) return { refused: `no answer to the schedule request within ${SCHEDULE_WAIT_MS / 1000} s` };
  if (res.kind !== 'response' || res.status !== 200)
    return { refused: `${res.status} ${res.reason}${headerValue(res, 'Warning') ? `: ${headerValue(res, 'Warning')}` : ''}` };
  return { at: elapsed() };
}

/** The INVITE as the reflector sent it (its base64 copy) against how it arrived, without the copy. */
function rewrites(seen: SipMessage): CallbackProbe['rewritten'] {
  const copy = headerValue(seen, SENT_COPY_HEADER);
  if (!copy) return [{ what: `${SENT_COPY_HEADER} missing`, sent: 'present' }];
  const sent = parseMessage(fromBase64(copy));
  const stripped = parseMessage(utf8(fromUtf8(seen.raw).replace(new RegExp(`^${SENT_COPY_HEADER}:[^\\r\\n]*\\r\\n`, 'im'), '')));
  if (!sent.ok || !stripped.ok) return [{ what: 'the INVITE or its copy does not parse' }];
  return compareRequest(sent.message, stripped.message).map(({ what, sent: a, seen: b }) => ({ what, sent: a, seen: b }));
}

/** Which callbacks arrived, after how much quiet on the flow, from the trace (the evidence). */
function probesFrom(trace: readonly TraceEvent[], delaysS: number[], acceptedAt: number): CallbackProbe[] {
  const ours = trace.filter((e) => e.attempt === SESSION_ATTEMPT);
  const quietBefore = (t: number): number => {
    const last = ours.filter((e) => e.kind === 'sent' && e.t < t).at(-1);
    return Math.round((t - (last?.t ?? t)) / 100) / 10;
  };
  return delaysS.map((delayS) => {
    const probe: CallbackProbe = { delayS, optionsArrived: false, inviteArrived: false, rewritten: [], traceSeqs: [], quietS: 0 };
    for (const e of ours) {
      if (e.kind !== 'received' || !e.bytes) continue;
      const parsed = parseMessage(fromBase64(e.bytes));
      if (!parsed.ok || parsed.message.kind !== 'request' || headerValue(parsed.message, CALLBACK_DELAY_HEADER) !== String(delayS)) continue;
      const first = probe.traceSeqs.length === 0;
      probe.traceSeqs.push(e.seq);
      if (first) {
        probe.arrivedAfterMs = Math.round(e.t - acceptedAt);
        probe.quietS = quietBefore(e.t);
      }
      if (parsed.message.method === 'OPTIONS') probe.optionsArrived = true;
      if (parsed.message.method === 'INVITE' && !probe.inviteArrived) {
        probe.inviteArrived = true;
        probe.rewritten = rewrites(parsed.message);
      }
    }
    if (!probe.traceSeqs.length) probe.quietS = quietBefore(acceptedAt + delayS * 1000);
    return probe;
  });
}

export async function callbackProbe(o: CallbackProbeOptions, deps: EngineDeps, signal: AbortSignal = new AbortController().signal): Promise<CallbackResult> {
  const t0 = deps.clock.now();
  const trace = new TraceRecorder(deps.clock, t0);
  const port = o.reflector.port ?? REFLECTOR_PORT;
  const base = { kind: 'callback' as const, startedAt: new Date().toISOString(), transport: 'udp' as const, reflector: { address: o.reflector.host, port } };
  const schedule = parseSchedule(o.delaysS.join(','));
  const resolution = schedule.ok
    ? await resolveTargets({ server: o.reflector.host, ports: { udp: port }, transports: ['udp'], resolver: deps.resolver, now: deps.clock.now })
    : undefined;
  const target = resolution?.targets.udp?.[0];
  if (!schedule.ok || !target) {
    const detail = !schedule.ok ? `bad schedule: ${schedule.reason}` : (resolution?.errors.udp ?? 'no address');
    return { ...base, durationMs: 0, registered: false, detail, probes: [], trace: [] };
  }
  const { delaysS } = schedule;
  const last = delaysS[delaysS.length - 1]!;
  let outcome: CallbackResult | undefined;
  const attempt = await withListenSession(
    {
      transport: 'udp',
      target,
      account: { user: CALLBACK_USER, authUser: CALLBACK_USER, domain: o.reflector.host },
      localPort: o.localPort,
      holdS: last + Math.ceil(CALLBACK_GRACE_MS / 1000),
      tlsVerify: true,
      deps,
      trace,
      signal,
    },
    async (s) => {
      const accepted = await requestSchedule(s, delaysS, deps, () => trace.elapsed());
      if ('refused' in accepted)
        return void (outcome = {
          ...base,
          durationMs: 0,
          registered: true,
          detail: `callbacks refused: ${accepted.refused}`,
          registration: s.registration,
          probes: [],
          trace: [],
        });
      // One INVITE transaction per callback: all of them came, or the last one is overdue.
      await s.waitUntil(() => s.uas.invites.length >= delaysS.length, accepted.at + last * 1000 + CALLBACK_GRACE_MS);
      await s.waitUntil(() => !s.uas.busy, trace.elapsed() + RINGING_MS + CALLBACK_GRACE_MS);
      outcome = {
        ...base,
        durationMs: 0,
        registered: true,
        detail: 'callbacks scheduled',
        registration: s.registration,
        probes: probesFrom(trace.events, delaysS, accepted.at),
        trace: [],
      };
    },
  );
  const result = outcome ?? { ...base, durationMs: 0, registered: false, detail: `${attempt.outcome}: ${attempt.detail}`, probes: [], trace: [] };
  const arrivedQuiet = result.probes.filter((p) => p.traceSeqs.length > 0).map((p) => p.quietS);
  const missedQuiet = result.probes.filter((p) => p.traceSeqs.length === 0).map((p) => p.quietS);
  return {
    ...result,
    durationMs: Math.round(deps.clock.now() - t0),
    trace: [...trace.events],
    ...(arrivedQuiet.length ? { openAtLeastS: Math.max(...arrivedQuiet) } : {}),
    ...(missedQuiet.length ? { closedByS: Math.min(...missedQuiet) } : {}),
  };
}
