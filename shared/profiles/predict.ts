// Predicts, from one check's results, whether each client profile would register on this network
// and which setting to change. Pure: reads results, never probes.
import type { AttemptResult, CheckResult } from '../model/results.js';
import { settledResult } from '../diagnosis/settled.js';
import type { ClientProfile } from './clients.js';

export interface ProfilePrediction {
  profile: string;
  name: string;
  verdict: 'works' | 'fails' | 'unknown';
  because: string;
  /** What to change, in the client's own setting names. */
  fix?: string;
  warnings: string[];
}

/** Smallest UDP payload that a 1500-byte MTU path must fragment (1500 - 20 IP - 8 UDP + 1). */
const FRAGMENTED_UDP_SIZE = 1473;
/** Extra round-trip time that makes fragmented messages "late" for a SIP client (T1 is 500 ms). */
const LATE_MS = 500;

function attemptFor(p: ClientProfile, attempts: AttemptResult[]): AttemptResult | undefined {
  const mode = p.localPort === 'fixed-5060' ? 'fixed-5060' : 'ephemeral';
  const candidates = attempts.filter((a) => a.transport === p.transport && (p.transport !== 'udp' || a.sourcePortMode === mode));
  return candidates.find((a) => a.rport === p.rport) ?? candidates[0];
}

export function predictProfiles(full: CheckResult, profiles: readonly ClientProfile[]): ProfilePrediction[] {
  // Only what finished: an attempt cut short by Cancel predicts nothing.
  const result = settledResult(full);
  const cancelled = full.attempts.filter((a) => a.outcome === 'aborted');
  const worksOver = (t: string): boolean => result.attempts.some((a) => a.transport === t && a.outcome === 'registered');
  const alternatives = ['tcp', 'tls'].filter(worksOver).map((t) => t.toUpperCase());
  const ephemeralWorks = result.attempts.some((a) => a.transport === 'udp' && a.sourcePortMode === 'ephemeral' && a.outcome === 'registered');
  return profiles.map((p) => {
    const a = attemptFor(p, result.attempts);
    const base = { profile: p.id, name: p.name, warnings: [] as string[] };
    if (!a) {
      const what = `${p.transport.toUpperCase()}${p.transport === 'udp' ? ` from ${p.localPort === 'fixed-5060' ? 'port 5060' : 'a random port'}` : ''}`;
      return { ...base, verdict: 'unknown', because: attemptFor(p, cancelled) ? `the check was cancelled before ${what} finished` : `${what} was not tested` };
    }
    if (a.outcome === 'auth-failed' || a.outcome === 'auth-skipped') {
      return { ...base, verdict: 'unknown', because: 'the network path works, but the credentials were not accepted: check user, auth user and password' };
    }
    const pred: ProfilePrediction =
      a.outcome === 'registered'
        ? { ...base, verdict: 'works', because: `"${a.label}" registered` }
        : { ...base, verdict: 'fails', because: `"${a.label}" ended as ${a.outcome}: ${a.detail}` };
    if (pred.verdict === 'fails') {
      const steps: string[] = [];
      if (p.localPort === 'fixed-5060' && ephemeralWorks && p.settings.localPort)
        steps.push(`set ${p.settings.localPort} to another port (e.g. 5062) or to random`);
      if (alternatives.length && p.settings.transport) steps.push(`or switch ${p.settings.transport} to ${alternatives.join(' or ')}`);
      if (steps.length) pred.fix = steps.join(', ');
    }
    const lifetime = result.pathProbes?.stun?.bindingLifetime;
    if (p.transport === 'udp' && lifetime?.expiredAfter.length) {
      const expires = Math.min(...lifetime.expiredAfter);
      if (p.keepAliveSeconds === undefined || p.keepAliveSeconds >= expires) {
        pred.warnings.push(
          `the router forgets idle UDP mappings after ${expires} s or less; incoming calls need keep-alives${lifetime.recommendation ? ` every ${lifetime.recommendation.seconds} s` : ''}${p.settings.keepAlive ? ` (${p.settings.keepAlive})` : ''}`,
        );
      }
    }
    const udp = result.pathProbes?.fragmentation?.series.filter((s) => s.transport === 'udp') ?? [];
    // Only series that delivered some size and lost another: without both there is no limit to name.
    const limited = udp.filter((s) => s.largestDelivered !== undefined && s.points.some((x) => !x.delivered && x.sends > 0));
    if (p.transport === 'udp' && udp.length) {
      const worst = Math.min(...limited.map((s) => s.largestDelivered!));
      if (worst < FRAGMENTED_UDP_SIZE)
        pred.warnings.push(`UDP messages above ${worst} bytes were lost: large INVITEs may fail; TCP avoids it (RFC 3261 §18.1.1)`);
      const points = udp.flatMap((s) => s.points.filter((x) => x.delivered && x.rttMs !== undefined));
      const small = Math.min(...points.filter((x) => x.size < FRAGMENTED_UDP_SIZE).map((x) => x.rttMs!));
      const large = Math.max(...points.filter((x) => x.size >= FRAGMENTED_UDP_SIZE).map((x) => x.rttMs!));
      if (Number.isFinite(small) && Number.isFinite(large) && large - small > LATE_MS) {
        pred.warnings.push(
          `fragmented UDP messages arrived up to ${Math.round(large - small)} ms later than small ones: expect retransmissions and slow call set-up; TCP avoids it`,
        );
      }
    }
    return pred;
  });
}
