// The network path, from the path probes: lost or late large UDP messages (seed 001), NAT type,
// short NAT bindings, and SIP ALGs.
import type { FragmentationResult, FragmentationSeries } from '../model/path-results.js';
import type { Finding, Rule } from './types.js';

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

/**
 * The direction that fails, from the series that lost sizes. With the reflector, upstream and
 * downstream test each direction alone. Against a registrar there is no downstream: an echo loss
 * where upstream delivered the same request size puts the loss on the answer, i.e. inbound.
 */
function failingDirection(lost: FragmentationSeries[], udp: FragmentationSeries[]): Direction {
  const up = lost.some((s) => s.mode === 'upstream');
  const down = lost.some((s) => s.mode === 'downstream');
  if (up && down) return 'both';
  if (up || down) return up ? 'outbound' : 'inbound';
  if (udp.some((s) => s.mode === 'downstream')) return 'both';
  const upstream = udp.find((s) => s.mode === 'upstream');
  const echo = lost.find((s) => s.mode === 'echo');
  return echo && (upstream?.largestDelivered ?? 0) >= (echo.smallestLost ?? Infinity) ? 'inbound' : 'both';
}

const WHOSE: Record<Direction, string> = {
  outbound: 'SIP messages this computer sends over UDP',
  inbound: 'SIP messages sent to this computer over UDP',
  both: 'SIP messages over UDP, in both directions,',
};

/** "lost above 1472 bytes": the largest size that got through, else the smallest that did not. */
function limitText(lost: FragmentationSeries[]): string {
  const delivered = lost.map((s) => s.largestDelivered).filter((n): n is number => n !== undefined);
  return delivered.length ? `above ${Math.min(...delivered)} bytes` : `from ${Math.min(...lost.map((s) => s.smallestLost!))} bytes`;
}

const seriesText = (s: FragmentationSeries): string =>
  `${s.mode} (${CARRIES[s.mode] === 'both' ? 'request and response' : CARRIES[s.mode] === 'outbound' ? 'request' : 'response'} large): ${s.points.filter((x) => x.sends > 0)
    .map((x) => `${x.size}${x.delivered ? `:${Math.round(x.rttMs!)}ms${x.late ? ' late' : ''}` : ':lost'}`).join(' ')}`;

function lostFinding(frag: FragmentationResult, udp: FragmentationSeries[], tcpOk: boolean): Finding | null {
  const lost = udp.filter((s) => s.smallestLost !== undefined);
  if (!lost.length) return null;
  const direction = failingDirection(lost, udp);
  const untested = !udp.some((s) => s.mode === 'downstream') && direction === 'outbound' ? ' Whether large answers get through could not be told apart without the SIP Ladder reflector.' : '';
  return {
    id: 'large-udp-lost', severity: 'error', confidence: direction === 'inbound' && !udp.some((s) => s.mode === 'downstream') ? 'medium' : 'high',
    title: `${WHOSE[direction]} are lost ${limitText(lost)}`,
    explanation: `Messages that do not fit in one network packet are split in pieces (fragments), and the pieces are dropped on the way${direction === 'both' ? '' : direction === 'inbound' ? ' toward this computer' : ' from this computer'}. Short messages get through, large ones (calls with many codecs, video) never arrive.${untested}`,
    technical: `${lost.map((s) => `${s.mode}: largest delivered ${s.largestDelivered ?? 'none'}, lost from ${s.smallestLost}`).join('; ')}${tcpOk ? '; TCP carried every size' : ''}. UDP by size: ${udp.map(seriesText).join('; ')}. RFC 3261 §18.1.1: requests within 200 bytes of the path MTU, or over 1300 bytes, must use a congestion-controlled transport.`,
    evidence: frag.traceSeqs, attempts: [],
    fix: ['Use TCP or TLS in the phone', 'Reduce the message size (fewer codecs, no video)', 'Ask the provider or router vendor why IP fragments are dropped'],
  };
}

/** The fastest small message and, per series, the slowest large one: how much later large messages arrive. */
function delays(udp: FragmentationSeries[]): { small: number; slow: Array<{ mode: Mode; size: number; rttMs: number }> } | null {
  const small = udp.flatMap((s) => s.points.filter((p) => p.delivered && p.size < FIRST_FRAGMENTED).map((p) => p.rttMs!));
  if (!small.length) return null;
  const base = Math.min(...small);
  const slow = udp.flatMap((s) => {
    const worst = s.points.filter((p) => p.delivered && p.size >= FIRST_FRAGMENTED).sort((a, b) => b.rttMs! - a.rttMs!)[0];
    return worst && worst.rttMs! - base > LATE_MS ? [{ mode: s.mode, size: worst.size, rttMs: worst.rttMs! }] : [];
  });
  return slow.length ? { small: base, slow } : null;
}

function delayFinding(frag: FragmentationResult, udp: FragmentationSeries[]): Finding | null {
  const d = delays(udp);
  if (!d) return null;
  const worst = d.slow.reduce((a, b) => (b.rttMs > a.rttMs ? b : a));
  const modes = new Set(d.slow.map((s) => s.mode));
  // Only echo delayed (both directions large) cannot say which one holds the fragments back.
  const direction: Direction | null = modes.has('upstream') && modes.has('downstream') ? 'both' : modes.has('upstream') ? 'outbound' : modes.has('downstream') ? 'inbound' : null;
  const late = udp.flatMap((s) => s.points.filter((p) => p.late).map((p) => `${s.mode} ${p.size} after ${Math.round(p.rttMs!)} ms`));
  return {
    id: 'large-udp-delayed', severity: 'warning', confidence: 'high',
    title: `Large SIP messages over UDP arrive seconds late${direction ? ` (${direction === 'both' ? 'both directions' : `${direction} only`})` : ''}`,
    explanation: `A ${worst.size}-byte message took ${Math.round(worst.rttMs)} ms, small ones ${Math.round(d.small)} ms. Fragmented packets are held back on the way, which makes calls slow to connect and can cause duplicate requests.`,
    technical: `UDP by size: ${udp.map(seriesText).join('; ')}.${late.length ? ` Answers that came after the probe had moved on (late, not lost): ${late.join(', ')}.` : ''} Retransmission starts at T1 = 500 ms (RFC 3261 §17.1.1.2).`,
    evidence: frag.traceSeqs, attempts: [],
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

export const pathRules: Rule = (ctx) => {
  const out: Finding[] = [];
  const p = ctx.result.pathProbes;
  if (p?.fragmentation) out.push(...fragmentationFindings(p.fragmentation));
  const stun = p?.stun;
  if (stun?.outcome === 'ok') {
    if (stun.mapping === 'address-dependent' || stun.mapping === 'address-and-port-dependent') {
      out.push({
        id: 'symmetric-nat', severity: 'warning', confidence: 'high', title: 'Your router is a "symmetric" NAT',
        explanation: 'The router gives each destination a different public port. Registration can work, but calls and media often fail unless the provider relays them.',
        technical: `RFC 5780 mapping: ${stun.mapping}; filtering: ${stun.filtering ?? 'unknown'} (${stun.classic}). RFC 4787 REQ-1 asks for endpoint-independent mapping.`,
        evidence: stun.traceSeqs, attempts: [], fix: ['Enable "endpoint-independent" / "full cone" NAT or a SIP-friendly mode in the router', 'Use a provider with media relay (TURN / RTP proxy)'],
      });
    }
    const lifetime = stun.bindingLifetime;
    if (lifetime?.expiredAfter.length && Math.min(...lifetime.expiredAfter) <= TYPICAL_KEEPALIVE_S) {
      out.push({
        id: 'short-nat-binding', severity: 'warning', confidence: 'high', title: 'Your router forgets idle connections quickly',
        explanation: `The router closes an idle UDP mapping within ${Math.min(...lifetime.expiredAfter)} s. A phone that refreshes less often stops receiving calls after a while.`,
        technical: `${lifetime.detail}; RFC 4787 REQ-5 asks for at least 2 minutes. Keep-alive recommendation: ${lifetime.recommendation ? `${lifetime.recommendation.seconds} s` : 'n/a'}.`,
        evidence: stun.traceSeqs, attempts: [],
        fix: [`Set the phone's keep-alive (or re-registration) interval to ${lifetime.recommendation?.seconds ?? 15} s or less`, 'Or use TCP/TLS, which most routers keep longer'],
      });
    }
    if (stun.mappedRewritten) {
      out.push({
        id: 'stun-address-rewritten', severity: 'warning', confidence: 'high', title: 'Something on the way rewrites addresses inside packets',
        explanation: 'The plain copy of your address in the STUN answer was changed on the way, which only "helpful" routers (ALGs) do. They often break SIP too.',
        technical: `MAPPED-ADDRESS ${stun.mappedPlain?.address}:${stun.mappedPlain?.port} ≠ XOR-MAPPED-ADDRESS ${stun.mapped?.address}:${stun.mapped?.port} (RFC 8489 §14.2 exists because of this).`,
        evidence: stun.traceSeqs, attempts: [], fix: ['Turn off "SIP ALG" / "SIP helper" in the router'],
      });
    }
  }
  const inbound = p?.inbound;
  const fixed = inbound?.checks[0];
  const others = inbound?.checks.slice(1) ?? [];
  if (inbound && fixed && !fixed.responseReceived && others.some((c) => c.responseReceived)) {
    out.push({
      id: 'inbound-udp-5060-dropped', severity: 'error', confidence: 'high',
      title: 'Your internet provider or router blocks incoming SIP on port 5060',
      explanation: `The reflector's answers reach this computer on other local ports but not on local port ${fixed.localPort}. Something on the way drops incoming UDP to that port.`,
      technical: `Reflector ${inbound.target.address}:${inbound.target.port}: from local port ${fixed.localPort}: ${fixed.detail}; ${others.map((c) => `from ${c.localPort}: ${c.detail}`).join('; ')}.`,
      evidence: inbound.traceSeqs, attempts: [],
      fix: ['Set the phone\'s local SIP port to another number (e.g. 5062) or to random', 'Or use TCP or TLS'],
    });
  }
  const alg = p?.alg;
  if (alg?.outcome === 'rewritten') {
    const hit = alg.checks.filter((c) => c.outcome === 'rewritten');
    out.push({
      id: 'sip-alg', severity: 'error', confidence: 'high', title: 'Your router rewrites SIP messages (SIP ALG)',
      explanation: `A "SIP helper" in the router changes the messages the phone sends on ${hit.map((c) => `${c.transport.toUpperCase()} ${c.port}`).join(', ')}. It often breaks registration and calls in ways that look random.`,
      technical: hit.map((c) => `${c.transport.toUpperCase()} ${c.port}: ${c.differences.map((d) => `${d.what} "${d.sent ?? ''}" → "${d.seen ?? ''}"`).join('; ')}`).join(' | '),
      evidence: alg.traceSeqs, attempts: [], fix: ['Turn off "SIP ALG" / "SIP helper" / "SIP passthrough" in the router', 'Or use TLS (an ALG cannot read it) or a port other than 5060'],
    });
  }
  return out;
};
