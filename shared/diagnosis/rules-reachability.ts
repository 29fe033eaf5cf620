// Reaching the server: DNS, refused/unreachable, silence per transport, the seed-000 port-5060 case.
import type { AttemptResult } from '../model/results.js';
import type { Transport } from '../model/trace.js';
import { evidenceOf, firstAnswerOf, listLabels, silent } from './evidence.js';
import { silentCause } from './silent-cause.js';
import { ruleFamily, type Finding, type FindingRule, type Rule } from './types.js';

const answered = (a: AttemptResult): boolean => a.status !== undefined;
const TRANSPORTS: readonly Transport[] = ['udp', 'tcp', 'tls', 'ws', 'wss'];

/** A whole transport is silent while another one answers: said with its likely cause (silent-cause.ts). */
const silentTransports: FindingRule = (ctx) => {
  const { attempts } = ctx.result;
  const answeringTransports = new Set(attempts.filter(answered).map((a) => a.transport));
  const out: Finding[] = [];
  for (const t of TRANSPORTS) {
    const ts = attempts.filter((a) => a.transport === t);
    if (!ts.length || !ts.every(silent) || answeringTransports.size === 0) continue;
    const cause = silentCause(ctx.result, t, ts);
    const others = [...answeringTransports].map((x) => x.toUpperCase());
    out.push({
      id: `silent-${t}`,
      severity: 'error',
      confidence: cause.confidence,
      title: `The server does not answer over ${t.toUpperCase()}`,
      explanation: `Over ${others.join(' and ')} the server answers, but over ${t.toUpperCase()} nothing ever comes back. ${cause.explanation}`,
      technical: `${listLabels(ts)}: ${ts[0]!.detail}. ${cause.technical}`,
      evidence: [...ts.flatMap((a) => evidenceOf(ctx, a)), ...(t === 'udp' ? (ctx.result.pathProbes?.stun?.traceSeqs ?? []) : [])],
      attempts: ts.map((a) => a.id),
      fix: [`Use ${others.join(' or ')} in the phone`, ...cause.fix.filter((f) => !/^Use (TCP|UDP)/.test(f))],
    });
  }
  return out;
};

const dnsFailure: FindingRule = (ctx) => {
  const { attempts, dns } = ctx.result;
  const dnsFailed = attempts.filter((a) => a.outcome === 'dns-failure');
  if (!dnsFailed.length) return null;
  const steps = ctx.result.trace.filter((e) => e.kind === 'dns' && e.dnsError !== undefined).map((e) => e.seq);
  return {
    id: 'dns-failure',
    severity: 'error',
    confidence: 'high',
    title: 'The server name cannot be found',
    explanation: `The name "${ctx.result.account.server}" did not resolve to an address${dnsFailed.length < attempts.length ? ' for some transports' : ''}.`,
    technical: `${dnsFailed.map((a) => `${a.transport}: ${a.detail}`).join('; ')}. Steps: ${dns.map((d) => `${d.type} ${d.query} → ${d.error ?? d.answers.join(', ')}`).join('; ')} (RFC 3263 §4).`,
    evidence: steps.length ? steps : ctx.result.trace.filter((e) => e.kind === 'dns').map((e) => e.seq),
    attempts: dnsFailed.map((a) => a.id),
    fix: ['Check the spelling of the server name', 'Ask the provider for the correct server name or its IP address'],
  };
};

/** Every attempt over transport `t` was refused (ICMP port unreachable, TCP RST). */
function refused(ts: AttemptResult[], t: Transport): Finding | null {
  const hit = ts.filter((a) => a.outcome === 'refused');
  if (!ts.length || hit.length !== ts.length) return null;
  return {
    id: `refused-${t}`,
    severity: 'error',
    confidence: 'high',
    title: `Nothing answers on ${t.toUpperCase()} port ${ts[0]!.target.port}`,
    explanation: `The server's machine said there is no SIP service on ${t.toUpperCase()} port ${ts[0]!.target.port}: the server is down, or it uses another port or transport.`,
    technical: `${listLabels(hit)}: ${t === 'udp' ? 'ICMP port unreachable' : 'TCP RST'} from ${ts[0]!.target.address}:${ts[0]!.target.port}.`,
    evidence: hit.flatMap((a) => a.traceSeqs),
    attempts: hit.map((a) => a.id),
    fix: ['Check the port and transport the provider documents', 'If you run the server: is it running and listening on this address?'],
  };
}

/** Every attempt over transport `t` found no route. */
function unreachable(ts: AttemptResult[], t: Transport): Finding | null {
  const hit = ts.filter((a) => a.outcome === 'unreachable');
  if (!ts.length || hit.length !== ts.length) return null;
  return {
    id: `unreachable-${t}`,
    severity: 'error',
    confidence: 'high',
    title: 'There is no route to the server',
    explanation: 'Your computer or a router on the way reports that the server address cannot be reached.',
    technical: `${listLabels(hit)}: ${hit[0]!.detail}.`,
    evidence: hit.flatMap((a) => a.traceSeqs),
    attempts: hit.map((a) => a.id),
    fix: ['Check the internet connection and VPN settings', 'Check the server address'],
  };
}

/** Refused, then unreachable, transport by transport. */
const closedTransports: FindingRule = (ctx) =>
  TRANSPORTS.flatMap((t) => {
    const ts = ctx.result.attempts.filter((a) => a.transport === t);
    return [refused(ts, t), unreachable(ts, t)].filter((f): f is Finding => f !== null);
  });

/** Seed 000: UDP from port 5060 is silent while UDP from other ports registers. */
const inboundUdp5060Dropped: FindingRule = (ctx) => {
  const { attempts } = ctx.result;
  const fixed = attempts.filter((a) => a.transport === 'udp' && a.sourcePortMode === 'fixed-5060' && silent(a));
  const ephemeralOk = attempts.filter((a) => a.transport === 'udp' && a.sourcePortMode !== 'fixed-5060' && answered(a));
  if (!fixed.length || !ephemeralOk.length) return null;
  return {
    id: 'inbound-udp-5060-dropped',
    severity: 'error',
    confidence: 'high',
    title: 'Your internet provider or router blocks incoming SIP on port 5060',
    explanation:
      "Registration works from other local ports, but answers to a phone that uses local port 5060 never arrive. Something between you and the server (often the provider's equipment or router) drops incoming UDP to port 5060.",
    technical: `${listLabels(fixed)}: ${fixed[0]!.retransmissions + 1} REGISTERs sent from local port ${fixed[0]!.localPort ?? 5060}, no response; ${listLabels(ephemeralOk)} answered from the same network. The server answers to the source port (RFC 3261 §18.2.2, RFC 3581), so the loss is on the inbound path to port 5060.`,
    // The silent attempt in full; of the healthy ones only the first answer, the contrast (not every arrow of theirs).
    evidence: [...fixed.flatMap((a) => evidenceOf(ctx, a)), ...firstAnswerOf(ctx, ephemeralOk[0]!)],
    attempts: [...fixed, ...ephemeralOk].map((a) => a.id),
    fix: [
      "Set the phone's local SIP port to another number (e.g. 5062) or to random",
      'Or use TCP or TLS',
      'Or ask the internet provider to stop filtering port 5060',
    ],
  };
};

const serverSilent: FindingRule = (ctx) => {
  const all = ctx.result.attempts.filter((a) => a.outcome !== 'dns-failure');
  if (!all.length || !all.every(silent)) return null;
  return {
    id: 'server-silent',
    severity: 'error',
    confidence: 'medium',
    title: 'The server does not answer at all',
    explanation: 'No request got any answer on any transport. The server may be down, the address wrong, or a firewall may block SIP entirely.',
    technical: `${listLabels(all)}: no response (retransmitted per RFC 3261 Timer E).`,
    evidence: all.flatMap((a) => evidenceOf(ctx, a)),
    attempts: all.map((a) => a.id),
    fix: ['Check the server address and port', 'Try from another network (e.g. a phone hotspot) to see whether your network blocks SIP'],
  };
};

export const reachabilityRules: Rule = ruleFamily(dnsFailure, closedTransports, inboundUdp5060Dropped, silentTransports, serverSilent);
