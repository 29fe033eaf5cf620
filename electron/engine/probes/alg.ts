// SIP ALG detection: an OPTIONS with a Contact and an SDP offer naming our local address goes to
// the reflector, which returns it base64-encoded exactly as it arrived (an ALG cannot touch that on
// the way back). Tried on UDP 5060 (where ALGs act), UDP on the reflector's other port, and TCP.
import { fromBase64, fromUtf8 } from '../../../shared/hash/utf8.js';
import { compareRequest } from '../../../shared/sip/alg-compare.js';
import { idSource, type IdSource } from '../../../shared/sip/ids.js';
import { parseMessage } from '../../../shared/sip/parse.js';
import { contactUri, COOKIE_HEADER, USER_AGENT } from '../../../shared/sip/requests.js';
import { serialize } from '../../../shared/sip/serialize.js';
import { T1_MS } from '../../../shared/sip/timers.js';
import { hostForSip } from '../../../shared/sip/uri.js';
import type { AlgCheck, AlgResult } from '../../../shared/model/path-results.js';
import type { Endpoint } from '../../../shared/model/trace.js';
import { SipFlow } from '../sip-flow.js';
import { fetchReflectorCookie } from './reflector-cookie.js';
import type { ProbeEnv } from './env.js';

/** Wait for each mirror answer. */
export const ALG_WAIT_MS = 2500;

export interface AlgOptions {
  host: string;
  address: string;
  /** Reflector SIP ports: 5060 first (the one ALGs watch), then another. */
  ports: number[];
  user: string;
  domain: string;
}

function sdpOffer(ip: string): string {
  const v = ip.includes(':') ? 'IP6' : 'IP4';
  return ['v=0', `o=sipladder 1 1 IN ${v} ${ip}`, 's=-', `c=IN ${v} ${ip}`, 't=0 0', 'm=audio 40000 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000', ''].join('\r\n');
}

/** The OPTIONS the reflector mirrors back: Via, Contact and an SDP offer with our own address, what an ALG rewrites. */
function mirrorRequest(
  o: AlgOptions,
  transport: 'udp' | 'tcp',
  local: Endpoint,
  ids: IdSource,
  cookie: string | null,
): { bytes: Uint8Array; branch: string; callId: string } {
  const branch = ids.branch();
  const callId = ids.callId();
  const aor = `sip:${o.user}@${hostForSip(o.domain)}`;
  const bytes = serialize({
    startLine: `OPTIONS sip:${hostForSip(o.domain)} SIP/2.0`,
    headers: [
      ['Via', `SIP/2.0/${transport.toUpperCase()} ${hostForSip(local.address)}:${local.port};branch=${branch};rport`],
      ['Max-Forwards', '70'],
      ['From', `<${aor}>;tag=${ids.tag()}`],
      ['To', `<${aor}>`],
      ['Call-ID', callId],
      ['CSeq', '1 OPTIONS'],
      ['Contact', `<${contactUri({ transport, user: o.user, local }, '')}>`],
      ['User-Agent', USER_AGENT],
      ['Content-Type', 'application/sdp'],
      ...(cookie ? [[COOKIE_HEADER, cookie] as const] : []),
    ],
    body: sdpOffer(local.address),
  });
  return { bytes, branch, callId };
}

/** The probe's outcome from its checks: any rewrite wins; clean only when every path was checked clean. */
function overallOutcome(checks: AlgCheck[]): AlgResult['outcome'] {
  if (checks.some((c) => c.outcome === 'rewritten')) return 'rewritten';
  if (checks.length && checks.every((c) => c.outcome === 'clean')) return 'clean';
  return checks.some((c) => c.outcome === 'clean') ? 'incomplete' : 'error';
}

export async function probeAlg(o: AlgOptions & ProbeEnv): Promise<AlgResult> {
  const { deps, trace, rate, attempt, signal } = o;
  const t0 = deps.clock.now();
  const result: AlgResult = { target: { host: o.host, address: o.address, port: o.ports[0] ?? 0 }, outcome: 'error', checks: [], durationMs: 0, traceSeqs: [] };
  const ids = idSource(deps.random);
  const plans: Array<{ transport: 'udp' | 'tcp'; port: number }> = [
    ...o.ports.map((port) => ({ transport: 'udp' as const, port })),
    ...(o.ports[0] !== undefined ? [{ transport: 'tcp' as const, port: o.ports[0] }] : []),
  ];
  result.checks = await Promise.all(
    plans.map(async ({ transport, port }): Promise<AlgCheck> => {
      const base = { transport, port, differences: [] };
      const opened = await SipFlow.open({
        attempt,
        transport,
        host: o.host,
        remote: { address: o.address, port },
        tlsVerify: true,
        wsPath: '/',
        deps,
        trace,
        rate,
        signal,
        deadlineAt: deps.clock.now() + ALG_WAIT_MS + 3000,
        traceSeqs: result.traceSeqs,
      });
      if (!opened.ok) return { ...base, outcome: 'error', detail: opened.detail };
      const flow = opened.flow;
      try {
        // Over UDP the reflector mirrors only for a source that proved it receives answers (its cookie).
        const pathStart = deps.clock.now();
        const { answered, cookie } = await fetchReflectorCookie(flow, { domain: o.domain, user: o.user, ids, waitMs: ALG_WAIT_MS });
        if (!answered) return { ...base, outcome: 'no-response', detail: 'no answer from the reflector (even to a padded OPTIONS)' };
        const local = flow.channel.local;
        const { bytes, branch, callId } = mirrorRequest(o, transport, local, ids, cookie);
        // The cookie fetch and the mirror share ALG_WAIT_MS; a cookie that came late still leaves the mirror one Timer E interval.
        const waitMs = Math.max(T1_MS, ALG_WAIT_MS - (deps.clock.now() - pathStart));
        const tx = await flow.transaction(
          bytes,
          { branch, callId, method: 'OPTIONS' },
          waitMs,
          `OPTIONS to the reflector mirror (${transport.toUpperCase()} ${port})`,
        );
        if (tx.kind !== 'response')
          return {
            ...base,
            outcome: tx.kind === 'timeout' ? 'no-response' : 'error',
            detail: tx.kind === 'timeout' ? 'no answer from the reflector' : tx.detail,
          };
        const mirrored = parseMessage(fromBase64(fromUtf8(tx.msg.body)));
        const sent = parseMessage(bytes);
        if (!mirrored.ok || !sent.ok) return { ...base, outcome: 'error', detail: 'the answer carries no mirror (is this a SIP Ladder reflector?)' };
        const differences = compareRequest(sent.message, mirrored.message);
        // The response path: the reflector copies our Via sent-by; a rewrite on the way back changes it.
        const back = tx.msg.via[0];
        const sentBy = `${hostForSip(local.address)}:${local.port}`;
        if (back && `${back.host}:${back.port}` !== sentBy)
          differences.push({ what: 'Via sent-by in the response', sent: sentBy, seen: `${back.host}:${back.port}`, direction: 'response' });
        return {
          ...base,
          differences,
          outcome: differences.length ? 'rewritten' : 'clean',
          detail: differences.length ? `rewritten on the way: ${differences.map((d) => d.what).join(', ')}` : 'arrived unchanged',
        };
      } finally {
        flow.close();
      }
    }),
  );
  result.durationMs = Math.round(deps.clock.now() - t0);
  result.outcome = overallOutcome(result.checks);
  return result;
}
