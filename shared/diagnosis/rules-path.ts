// The network path, from the path probes: lost or late large UDP messages (seed 001), NAT type,
// short NAT bindings, and SIP ALGs.
import type { FragmentationSeries } from '../model/path-results.js';
import type { Finding, Rule } from './types.js';

/** Smallest UDP payload a 1500-byte-MTU path has to fragment. */
const FIRST_FRAGMENTED = 1473;
/** Extra delay of large messages that matters to SIP (T1 = 500 ms, RFC 3261 §17.1.1.1). */
export const LATE_MS = 500;
/** Many phones send keep-alives or re-REGISTER about every 30 s; a shorter NAT binding loses calls. */
export const TYPICAL_KEEPALIVE_S = 30;

function worstDelay(series: FragmentationSeries[]): { small: number; large: number; size: number } | null {
  const points = series.flatMap((s) => s.points.filter((p) => p.delivered && p.rttMs !== undefined));
  const small = points.filter((p) => p.size < FIRST_FRAGMENTED).map((p) => p.rttMs!);
  const large = points.filter((p) => p.size >= FIRST_FRAGMENTED).sort((a, b) => b.rttMs! - a.rttMs!)[0];
  if (!small.length || !large) return null;
  return { small: Math.min(...small), large: large.rttMs!, size: large.size };
}

export const pathRules: Rule = (ctx) => {
  const out: Finding[] = [];
  const p = ctx.result.pathProbes;
  const frag = p?.fragmentation;
  if (frag) {
    const udp = frag.series.filter((s) => s.transport === 'udp');
    const tcpOk = frag.series.some((s) => s.transport === 'tcp' && (s.largestDelivered ?? 0) >= 4000);
    const lost = udp.filter((s) => s.largestDelivered !== undefined && s.smallestLost !== undefined && s.largestDelivered < FIRST_FRAGMENTED);
    if (lost.length) {
      const limit = Math.min(...lost.map((s) => s.largestDelivered!));
      out.push({
        id: 'large-udp-lost', severity: 'error', confidence: 'high',
        title: `SIP messages over ${limit} bytes are lost on UDP`,
        explanation: `Messages that do not fit in one network packet are split in pieces (fragments), and the pieces are dropped on the way. Short messages get through, large ones (calls with many codecs, video, TLS-less INVITEs) never arrive.`,
        technical: `${lost.map((s) => `${s.mode}: largest delivered ${s.largestDelivered}, lost from ${s.smallestLost}`).join('; ')}${tcpOk ? '; TCP carried every size' : ''}. RFC 3261 §18.1.1: requests within 200 bytes of the path MTU, or over 1300 bytes, must use a congestion-controlled transport.`,
        evidence: frag.traceSeqs, attempts: [],
        fix: ['Use TCP or TLS in the phone', 'Reduce the message size (fewer codecs, no video)', 'Ask the provider or router vendor why IP fragments are dropped'],
      });
    }
    const delay = worstDelay(udp);
    if (!lost.length && delay && delay.large - delay.small > LATE_MS) {
      out.push({
        id: 'large-udp-delayed', severity: 'warning', confidence: 'high',
        title: 'Large SIP messages over UDP arrive seconds late',
        explanation: `A ${delay.size}-byte message took ${Math.round(delay.large)} ms, small ones ${Math.round(delay.small)} ms. Fragmented packets are held back on the way, which makes calls slow to connect and can cause duplicate requests.`,
        technical: `UDP RTT by size (ms): ${udp.map((s) => `${s.mode} ${s.points.filter((x) => x.delivered).map((x) => `${x.size}:${Math.round(x.rttMs!)}`).join(' ')}`).join('; ')}. Retransmission starts at T1 = 500 ms (RFC 3261 §17.1.1.2).`,
        evidence: frag.traceSeqs, attempts: [],
        fix: ['Use TCP or TLS in the phone', 'Keep messages under about 1300 bytes'],
      });
    }
  }
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
