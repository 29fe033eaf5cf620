// Inbound reachability through the reflector: from local port 5060 and from an ephemeral port, an
// OPTIONS asks for the usual answer plus a "knock" from a reflector port it never contacted. The answer
// reaching 5060 or not is field story 000 directly; the knock tells how the NAT filters.
import { idSource, type IdSource } from '../../../shared/sip/ids.js';
import { parseMessage } from '../../../shared/sip/parse.js';
import { buildSizedOptions, KNOCK_HEADER, KNOCK_PREFIX, type RequestParams } from '../../../shared/sip/requests.js';
import type { InboundCheck, InboundResult } from '../../../shared/model/path-results.js';
import type { Endpoint } from '../../../shared/model/trace.js';
import { interruptibleWait } from '../deps.js';
import type { TraceRecorder } from '../trace-recorder.js';
import { familyOf, type UdpEndpoint } from '../transports/udp-endpoint.js';
import { cookieFetchOptions, cookieOf, withCookie } from './reflector-cookie.js';
import type { ProbeEnv } from './env.js';

/** Wait for the answer and the knock after the last send. */
export const INBOUND_WAIT_MS = 2500;
/** Sends of the request (answers and knocks may be lost once). */
const SENDS = 3;
/**
 * How long a knock may trail the answer to the request that asked for it. The reflector sends the
 * knock right after that answer, over the same path, so once the answer is in, a knock that has not
 * come within this grace was filtered (or lost: the next request asks again). Without it the probe
 * waited out every send's full wait whenever the NAT filters the knock, i.e. on most home routers.
 */
export const KNOCK_GRACE_MS = 250;

export interface InboundOptions {
  host: string;
  address: string;
  port: number;
  localPorts: Array<number | undefined>;
  user: string;
  domain: string;
}

type RecordEvent = (e: Parameters<TraceRecorder['add']>[0]) => void;

/** The OPTIONS that asks the reflector to knock from a fresh port; the Call-ID names the knock. */
function knockParams(o: InboundOptions, local: Endpoint, ids: IdSource, callId: string): RequestParams {
  return {
    transport: 'udp',
    domain: o.domain,
    user: o.user,
    local,
    rport: true,
    branch: ids.branch(),
    callId,
    fromTag: ids.tag(),
    cseq: 1,
    extra: [[KNOCK_HEADER, 'source']],
  };
}

/** Sends (at most SENDS times) until both the answer and the knock arrived; what came back. */
async function knockExchange(
  o: InboundOptions & ProbeEnv,
  ep: UdpEndpoint,
  ids: IdSource,
  record: RecordEvent,
): Promise<{ responseReceived: boolean; knockReceived: boolean }> {
  const { deps, rate, attempt, signal } = o;
  const remote = { address: o.address, port: o.port };
  const callId = ids.callId();
  const params = knockParams(o, ep.local, ids, callId);
  // The reflector knocks only for a source that proved with its cookie that answers reach it; until
  // an answer brings the cookie, the request is padded so that it is answered at all.
  const request = (c: string | null): Uint8Array => (c ? buildSizedOptions(withCookie(params, c), '', 'upstream', 0) : cookieFetchOptions(params)).bytes;
  const knock = new TextEncoder().encode(KNOCK_PREFIX + callId);
  let responseReceived = false;
  let knockReceived = false;
  let cookie: string | null = null;
  let wake: (() => void) | null = null;
  let cancelGrace = (): void => undefined;
  ep.onMessage((b, from) => {
    const isKnock = b.length === knock.length && b.every((v, i) => v === knock[i]);
    const hadCookie = cookie !== null;
    if (isKnock) knockReceived = true;
    else if (from.address === remote.address && from.port === remote.port && new TextDecoder().decode(b.subarray(0, 8)) === 'SIP/2.0 ') {
      responseReceived = true;
      const parsed = parseMessage(b);
      cookie ??= parsed.ok ? cookieOf(parsed.message) : null;
    } else return;
    record({
      attempt,
      kind: 'received',
      transport: 'udp',
      local: ep.local,
      remote: from,
      bytes: b,
      note: isKnock ? 'knock from a fresh reflector port' : 'answer',
    });
    // Hurry to use a fresh cookie, or when all is in; an answer to a knocking request leaves its
    // knock KNOCK_GRACE_MS to follow (then the next send asks again, or the check ends).
    if ((!hadCookie && cookie !== null) || (responseReceived && knockReceived)) wake?.();
    else if (!isKnock && hadCookie && !knockReceived) cancelGrace = deps.clock.setTimer(() => wake?.(), KNOCK_GRACE_MS);
  });
  for (let i = 0; i < SENDS && !signal.aborted && !(responseReceived && knockReceived); i++) {
    await rate.take(remote.address, signal).catch(() => undefined);
    const bytes = request(cookie);
    ep.send(bytes, remote);
    const what = cookie ? 'OPTIONS asking for a knock, with the reflector cookie' : 'OPTIONS asking for a knock (padded: no cookie yet)';
    record({
      attempt,
      kind: 'sent',
      transport: 'udp',
      local: ep.local,
      remote,
      bytes,
      ...(i ? { note: `${what} (retransmission ${i})`, retransmission: true } : { note: what }),
    });
    const w = interruptibleWait(deps.clock, i === SENDS - 1 ? INBOUND_WAIT_MS : 500, signal);
    wake = w.wake;
    await w.done;
    cancelGrace();
    wake = null;
  }
  return { responseReceived, knockReceived };
}

/** One local port: is the answer delivered to it, and a knock from a port it never sent to? */
async function checkFromPort(o: InboundOptions & ProbeEnv, localPort: number | undefined, ids: IdSource, record: RecordEvent): Promise<InboundCheck> {
  const remote = { address: o.address, port: o.port };
  let ep: UdpEndpoint;
  try {
    ep = await o.deps.openUdpEndpoint({ family: familyOf(o.address), localPort, toward: remote });
  } catch (e) {
    const detail = `local port not usable (${(e as NodeJS.ErrnoException).code ?? 'error'})`;
    return { localPort: localPort ?? 0, responseReceived: false, knockReceived: false, detail };
  }
  try {
    const { responseReceived, knockReceived } = await knockExchange(o, ep, ids, record);
    const detail = `${responseReceived ? 'answer arrived' : 'answer lost'}; ${knockReceived ? 'knock from a fresh port arrived' : 'knock from a fresh port did not arrive'}`;
    return { localPort: ep.local.port, responseReceived, knockReceived, detail };
  } finally {
    ep.close();
  }
}

export async function probeInbound(o: InboundOptions & ProbeEnv): Promise<InboundResult> {
  const { deps, trace } = o;
  const t0 = deps.clock.now();
  const result: InboundResult = { target: { host: o.host, address: o.address, port: o.port }, outcome: 'error', checks: [], durationMs: 0, traceSeqs: [] };
  const record: RecordEvent = (e) => {
    const seq = trace.add(e);
    if (seq > 0) result.traceSeqs.push(seq);
  };
  const ids = idSource(deps.random);
  result.checks = await Promise.all(o.localPorts.map((localPort) => checkFromPort(o, localPort, ids, record)));
  result.durationMs = Math.round(deps.clock.now() - t0);
  result.outcome = result.checks.every((c) => c.responseReceived) ? 'ok' : result.checks.some((c) => c.responseReceived) ? 'lost' : 'error';
  return result;
}
