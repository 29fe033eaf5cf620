// Why a transport is silent while another one answers: the likely cause, from what the evidence
// supports (answers from elsewhere, the NAT's filtering per STUN, STUN's own silence), with a confidence.
import type { AttemptResult, CheckResult } from '../model/results.js';
import type { Transport } from '../model/trace.js';
import type { Finding } from './types.js';

export interface SilentCause {
  explanation: string;
  technical: string;
  confidence: Finding['confidence'];
  fix: string[];
}

const FILTERS_BY_ADDRESS = new Set(['address-dependent', 'address-and-port-dependent']);

export function silentCause(result: CheckResult, t: Transport, silent: AttemptResult[]): SilentCause {
  const name = t.toUpperCase();
  const elsewhere = result.attempts.flatMap((a) => a.responsesFromElsewhere.map((e) => ({ a, e })));
  const stun = t === 'udp' ? result.pathProbes?.stun : undefined;
  const target = silent[0]!.target;
  if (elsewhere.length) {
    const { a, e } = elsewhere[0]!;
    return {
      confidence: 'high',
      explanation: `The server answers from another address or port (${e.address}:${e.port}) than the one requests go to (${a.target.address}:${a.target.port}), as multi-homed servers and load balancers do. Routers that only let in answers from the address they sent to drop those answers, so over ${name} nothing seems to come back.`,
      technical: `Answer for ${a.label} from ${e.address}:${e.port}, request to ${a.target.address}:${a.target.port} (RFC 3581 §4 asks for symmetric responses).`,
      fix: ['Provider: answer from the address and port requests arrive on', 'Use TCP or TLS in the phone'],
    };
  }
  if (stun?.outcome === 'no-response') {
    return {
      confidence: 'medium',
      explanation: `The STUN server (${stun.server.host}) did not answer over UDP either: UDP seems blocked on the way as a whole — by a firewall on this computer, in the router, or at the internet provider — not just by the SIP server.`,
      technical: `${name} to ${target.address}:${target.port} silent, STUN to ${stun.server.address}:${stun.server.port} silent (${stun.detail}).`,
      fix: [`Use ${name === 'UDP' ? 'TCP or TLS' : 'UDP'} in the phone`, 'Check the firewall of this computer and of the router for outgoing UDP'],
    };
  }
  if (stun?.outcome === 'ok' && stun.filtering && FILTERS_BY_ADDRESS.has(stun.filtering)) {
    return {
      confidence: 'medium',
      explanation: `Your router only lets in UDP answers from the exact address${stun.filtering === 'address-and-port-dependent' ? ' and port' : ''} it sent to (STUN). If the server answers from another address or port — common with multi-homed servers and load balancers — the router drops every answer. The other likely cause is a firewall that drops SIP over ${name}.`,
      technical: `RFC 5780 filtering: ${stun.filtering}; no answer from elsewhere reached this computer, which such filtering would explain (RFC 4787 §5).`,
      fix: ['Ask the provider whether its server answers UDP from another address or port', 'Use TCP or TLS in the phone'],
    };
  }
  if (stun?.outcome === 'ok') {
    return {
      confidence: 'medium',
      explanation: `Your router lets in UDP from any address (STUN), so answers from another server address would have arrived: a firewall on the way, or the server itself, ignores SIP over ${name}.`,
      technical: `RFC 5780 filtering: ${stun.filtering ?? 'unknown'}; STUN over UDP works, SIP over ${name} to ${target.address}:${target.port} gets nothing back.`,
      fix: [`If ${name} should work: ask the provider whether the server accepts ${name}`, 'Check firewalls on both ends'],
    };
  }
  return {
    confidence: 'low',
    explanation: `Nothing comes back over ${name}. Most likely a firewall on the way or the server ignores ${name}; or the server answers from another address, which many routers drop. A STUN server in the check would tell these apart.`,
    technical: `${silent.map((a) => a.label).join(', ')}: ${silent[0]!.detail}; no answers from other addresses were seen; no STUN result to compare the router's filtering with.`,
    fix: [`If ${name} should work: check firewalls on both ends`],
  };
}
