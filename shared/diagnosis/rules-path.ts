// The network path, from the path probes: lost or late large UDP messages (seed 001), NAT type,
// short NAT bindings, and SIP ALGs.
import type { FragmentationResult, FragmentationSeries, StunNatResult } from '../model/path-results.js';
import { ruleFamily, type DiagnosisContext, type Finding, type FindingRule, type Rule } from './types.js';

/** Smallest UDP payload a 1500-byte-MTU path has to fragment. */
const FIRST_FRAGMENTED = 1473;
/** Extra delay of large messages that matters to SIP (T1 = 500 ms, RFC 3261 §17.1.1.1). */
export const LATE_MS = 500;
/** Many phones send keep-alives or re-REGISTER about every 30 s; a shorter NAT binding loses calls. */
export const TYPICAL_KEEPALIVE_S = 30;

type Mode = FragmentationSeries['mode'];
type Direction = 'outbound' | 'inbound' | 'both';

/** What a series' large message is: the request (upstream), the response (downstream), or both (echo). */
const CARRIES: Record<Mode, Direction> = { upstream: 'outbound', downstream: 'inbound', echo: 'both' };

/** A direction's loss: the largest message that got through that way (bytes), and the smallest lost size. */
interface Loss {
  delivered?: number;
  lostFrom: number;
  inferred: boolean;
}

/** Bytes of the largest answer that got through in a series. */
function largestAnswer(s: FragmentationSeries): number | undefined {
  const sizes = s.points.filter((p) => p.delivered && p.responseSize !== undefined).map((p) => p.responseSize!);
  return sizes.length ? Math.max(...sizes) : undefined;
}

/** The largest size any of `series` delivered below `lostFrom`. */
function largestBelow(lostFrom: number, ...series: Array<FragmentationSeries | undefined>): number | undefined {
  const sizes = series.map((s) => s?.largestDelivered).filter((n): n is number => n !== undefined && n < lostFrom);
  return sizes.length ? Math.max(...sizes) : undefined;
}

/**
 * The loss per direction, in bytes of the messages going that way. Upstream sizes the requests and
 * downstream (reflector) the answers exactly. Against a registrar there is no downstream: an echo
 * loss at a request size that upstream delivered puts the loss on the (larger) answer, i.e. inbound.
 */
function lossByDirection(udp: FragmentationSeries[]): { outbound?: Loss; inbound?: Loss } {
  const [up, echo, down] = (['upstream', 'echo', 'downstream'] as const).map((m) => udp.find((s) => s.mode === m));
  // An echo that got through carried a request as large (against a registrar upstream is only timed where echo failed).
  const outbound =
    up?.smallestLost !== undefined ? { delivered: largestBelow(up.smallestLost, up, echo), lostFrom: up.smallestLost, inferred: false } : undefined;
  if (down)
    return {
      outbound,
      inbound: down.smallestLost !== undefined ? { delivered: down.largestDelivered, lostFrom: down.smallestLost, inferred: false } : undefined,
    };
  const answerLost = echo?.smallestLost !== undefined && (up?.largestDelivered ?? 0) >= echo.smallestLost;
  return { outbound, inbound: answerLost ? { delivered: largestAnswer(echo), lostFrom: echo.smallestLost!, inferred: true } : undefined };
}

const WHOSE: Record<Direction, string> = {
  outbound: 'SIP messages this computer sends over UDP',
  inbound: 'SIP messages sent to this computer over UDP',
  both: 'SIP messages over UDP, in both directions,',
};

/** "lost above 1472 bytes": the largest size that got through, else the smallest that did not. */
const limitText = (l: Loss): string => (l.delivered !== undefined ? `above ${l.delivered} bytes` : `from ${l.lostFrom} bytes`);

const lossText = (way: string, l?: Loss): string =>
  l
    ? `${way}: largest delivered ${l.delivered ?? 'none'} bytes, lost from ${l.lostFrom}${l.inferred ? ' (request size of an echo whose larger answer was lost)' : ''}`
    : `${way}: no loss`;

const seriesText = (s: FragmentationSeries): string =>
  `${s.mode} (${CARRIES[s.mode] === 'both' ? 'request and response' : CARRIES[s.mode] === 'outbound' ? 'request' : 'response'} large): ${s.points
    .filter((x) => x.sends > 0)
    .map((x) => `${x.size}${x.delivered ? `:${Math.round(x.rttMs!)}ms${x.late ? ' late' : ''}` : ':lost'}`)
    .join(' ')}`;

function lostFinding(frag: FragmentationResult, udp: FragmentationSeries[], tcpOk: boolean): Finding | null {
  const lost = udp.filter((s) => s.smallestLost !== undefined);
  if (!lost.length) return null;
  const { outbound, inbound } = lossByDirection(udp);
  // Only echo lost while each direction alone got through: both large at once is what fails.
  const direction: Direction = outbound && inbound ? 'both' : outbound ? 'outbound' : inbound ? 'inbound' : 'both';
  // The requests' sizes are exact, so their limit leads; the answers' when only they fail.
  const limit = outbound ?? inbound ?? { delivered: lost[0]!.largestDelivered, lostFrom: lost[0]!.smallestLost!, inferred: false };
  const untested =
    !udp.some((s) => s.mode === 'downstream') && direction === 'outbound'
      ? ' Whether large answers get through could not be told apart without the SIP Ladder reflector.'
      : '';
  return {
    id: 'large-udp-lost',
    severity: 'error',
    confidence: inbound?.inferred ? 'medium' : 'high',
    title: `${WHOSE[direction]} are lost ${limitText(limit)}`,
    explanation: `Messages that do not fit in one network packet are split in pieces (fragments), and the pieces are dropped on the way${direction === 'both' ? '' : direction === 'inbound' ? ' toward this computer' : ' from this computer'}. Short messages get through, large ones (calls with many codecs, video) never arrive.${untested}`,
    technical: `${lossText('sent', outbound)}; ${lossText('received', inbound)}${tcpOk ? '; TCP carried every size' : ''}. UDP by size: ${udp.map(seriesText).join('; ')}. RFC 3261 §18.1.1: requests within 200 bytes of the path MTU, or over 1300 bytes, must use a congestion-controlled transport.`,
    evidence: frag.traceSeqs,
    attempts: [],
    fix: ['Use TCP or TLS in the phone', 'Reduce the message size (fewer codecs, no video)', 'Ask the provider or router vendor why IP fragments are dropped'],
  };
}

/** Extra delay from which a direction counts as holding large messages back (half of T1); the finding needs LATE_MS somewhere. */
const DIRECTION_DELAY_MS = LATE_MS / 2;

/** Per series, how much longer its slowest large message took than the fastest small one (ms). */
function extraDelays(udp: FragmentationSeries[]): Map<Mode, { extra: number; size: number; rttMs: number; small: number }> {
  const small = Math.min(...udp.flatMap((s) => s.points.filter((p) => p.delivered && p.size < FIRST_FRAGMENTED).map((p) => p.rttMs!)));
  const out = new Map<Mode, { extra: number; size: number; rttMs: number; small: number }>();
  if (!Number.isFinite(small)) return out;
  for (const s of udp) {
    const worst = s.points.filter((p) => p.delivered && p.size >= FIRST_FRAGMENTED).sort((a, b) => b.rttMs! - a.rttMs!)[0];
    if (worst) out.set(s.mode, { extra: worst.rttMs! - small, size: worst.size, rttMs: worst.rttMs!, small });
  }
  return out;
}

/**
 * Which direction holds large messages back: upstream times the requests, downstream the answers;
 * against a registrar the answers' share is what echo (both large) adds to upstream.
 */
function delayedDirection(d: ReturnType<typeof extraDelays>): Direction | null {
  const out = d.get('upstream')?.extra ?? 0;
  const back = d.get('downstream')?.extra ?? (d.get('echo')?.extra ?? 0) - out;
  if (out > DIRECTION_DELAY_MS && back > DIRECTION_DELAY_MS) return 'both';
  return out > DIRECTION_DELAY_MS ? 'outbound' : back > DIRECTION_DELAY_MS ? 'inbound' : null;
}

function delayFinding(frag: FragmentationResult, udp: FragmentationSeries[]): Finding | null {
  const d = extraDelays(udp);
  const worst = [...d.values()].sort((a, b) => b.extra - a.extra)[0];
  if (!worst || worst.extra <= LATE_MS) return null;
  const direction = delayedDirection(d);
  const late = udp.flatMap((s) => s.points.filter((p) => p.late).map((p) => `${s.mode} ${p.size} after ${Math.round(p.rttMs!)} ms`));
  return {
    id: 'large-udp-delayed',
    severity: 'warning',
    confidence: 'high',
    title: `Large SIP messages over UDP arrive seconds late${direction ? ` (${direction === 'both' ? 'both directions' : `${direction} only`})` : ''}`,
    explanation: `A ${worst.size}-byte message took ${Math.round(worst.rttMs)} ms, small ones ${Math.round(worst.small)} ms. Fragmented packets are held back on the way, which makes calls slow to connect and can cause duplicate requests.`,
    technical: `UDP by size: ${udp.map(seriesText).join('; ')}.${late.length ? ` Answers that came after the probe had moved on (late, not lost): ${late.join(', ')}.` : ''} Retransmission starts at T1 = 500 ms (RFC 3261 §17.1.1.2).`,
    evidence: frag.traceSeqs,
    attempts: [],
    fix: ['Use TCP or TLS in the phone', 'Keep messages under about 1300 bytes'],
  };
}

/** Seed 001: large UDP messages lost (in which direction, above which size) or late. */
function fragmentationFindings(frag: FragmentationResult): Finding[] {
  const udp = frag.series.filter((s) => s.transport === 'udp');
  const tcpOk = frag.series.some((s) => s.transport === 'tcp' && (s.largestDelivered ?? 0) >= 4000);
  const lost = lostFinding(frag, udp, tcpOk);
  const late = lost ? null : delayFinding(frag, udp);
  return [lost, late].filter((f): f is Finding => f !== null);
}

const fragmentation: FindingRule = (ctx) => {
  const frag = ctx.result.pathProbes?.fragmentation;
  return frag ? fragmentationFindings(frag) : null;
};

/** The STUN probe's result when it ended with answers. */
const stunOf = (ctx: DiagnosisContext): StunNatResult | undefined => {
  const stun = ctx.result.pathProbes?.stun;
  return stun?.outcome === 'ok' ? stun : undefined;
};

const symmetricNat: FindingRule = (ctx) => {
  const stun = stunOf(ctx);
  if (!stun || (stun.mapping !== 'address-dependent' && stun.mapping !== 'address-and-port-dependent')) return null;
  return {
    id: 'symmetric-nat',
    severity: 'warning',
    confidence: 'high',
    title: 'Your router is a "symmetric" NAT',
    explanation:
      'The router gives each destination a different public port. Registration can work, but calls and media often fail unless the provider relays them.',
    technical: `RFC 5780 mapping: ${stun.mapping}; filtering: ${stun.filtering ?? 'unknown'} (${stun.classic}). RFC 4787 REQ-1 asks for endpoint-independent mapping.`,
    evidence: stun.traceSeqs,
    attempts: [],
    fix: ['Enable "endpoint-independent" / "full cone" NAT or a SIP-friendly mode in the router', 'Use a provider with media relay (TURN / RTP proxy)'],
  };
};

const shortNatBinding: FindingRule = (ctx) => {
  const stun = stunOf(ctx);
  const lifetime = stun?.bindingLifetime;
  if (!stun || !lifetime?.expiredAfter.length || Math.min(...lifetime.expiredAfter) > TYPICAL_KEEPALIVE_S) return null;
  return {
    id: 'short-nat-binding',
    severity: 'warning',
    confidence: 'high',
    title: 'Your router forgets idle connections quickly',
    explanation: `The router closes an idle UDP mapping within ${Math.min(...lifetime.expiredAfter)} s. A phone that refreshes less often stops receiving calls after a while.`,
    technical: `${lifetime.detail}; RFC 4787 REQ-5 asks for at least 2 minutes. Keep-alive recommendation: ${lifetime.recommendation ? `${lifetime.recommendation.seconds} s` : 'n/a'}.`,
    evidence: stun.traceSeqs,
    attempts: [],
    fix: [
      `Set the phone's keep-alive (or re-registration) interval to ${lifetime.recommendation?.seconds ?? 15} s or less`,
      'Or use TCP/TLS, which most routers keep longer',
    ],
  };
};

const stunAddressRewritten: FindingRule = (ctx) => {
  const stun = stunOf(ctx);
  if (!stun?.mappedRewritten) return null;
  return {
    id: 'stun-address-rewritten',
    severity: 'warning',
    confidence: 'high',
    title: 'Something on the way rewrites addresses inside packets',
    explanation: 'The plain copy of your address in the STUN answer was changed on the way, which only "helpful" routers (ALGs) do. They often break SIP too.',
    technical: `MAPPED-ADDRESS ${stun.mappedPlain?.address}:${stun.mappedPlain?.port} ≠ XOR-MAPPED-ADDRESS ${stun.mapped?.address}:${stun.mapped?.port} (RFC 8489 §14.2 exists because of this).`,
    evidence: stun.traceSeqs,
    attempts: [],
    fix: ['Turn off "SIP ALG" / "SIP helper" in the router'],
  };
};

/** Seed 000 seen by the reflector: its answers reach other local ports but not the fixed one. */
const inboundPortDropped: FindingRule = (ctx) => {
  const inbound = ctx.result.pathProbes?.inbound;
  const fixed = inbound?.checks[0];
  const others = inbound?.checks.slice(1) ?? [];
  if (!inbound || !fixed || fixed.responseReceived || !others.some((c) => c.responseReceived)) return null;
  return {
    id: 'inbound-udp-5060-dropped',
    severity: 'error',
    confidence: 'high',
    title: 'Your internet provider or router blocks incoming SIP on port 5060',
    explanation: `The reflector's answers reach this computer on other local ports but not on local port ${fixed.localPort}. Something on the way drops incoming UDP to that port.`,
    technical: `Reflector ${inbound.target.address}:${inbound.target.port}: from local port ${fixed.localPort}: ${fixed.detail}; ${others.map((c) => `from ${c.localPort}: ${c.detail}`).join('; ')}.`,
    evidence: inbound.traceSeqs,
    attempts: [],
    fix: ["Set the phone's local SIP port to another number (e.g. 5062) or to random", 'Or use TCP or TLS'],
  };
};

/** The reflector's mirror saw our messages changed on the way. */
const sipAlg: FindingRule = (ctx) => {
  const alg = ctx.result.pathProbes?.alg;
  if (alg?.outcome !== 'rewritten') return null;
  const hit = alg.checks.filter((c) => c.outcome === 'rewritten');
  return {
    id: 'sip-alg',
    severity: 'error',
    confidence: 'high',
    title: 'Your router rewrites SIP messages (SIP ALG)',
    explanation: `A "SIP helper" in the router changes the messages the phone sends on ${hit.map((c) => `${c.transport.toUpperCase()} ${c.port}`).join(', ')}. It often breaks registration and calls in ways that look random.`,
    technical: hit
      .map((c) => `${c.transport.toUpperCase()} ${c.port}: ${c.differences.map((d) => `${d.what} "${d.sent ?? ''}" → "${d.seen ?? ''}"`).join('; ')}`)
      .join(' | '),
    evidence: alg.traceSeqs,
    attempts: [],
    fix: ['Turn off "SIP ALG" / "SIP helper" / "SIP passthrough" in the router', 'Or use TLS (an ALG cannot read it) or a port other than 5060'],
  };
};

export const pathRules: Rule = ruleFamily(fragmentation, symmetricNat, shortNatBinding, stunAddressRewritten, inboundPortDropped, sipAlg);
