// Rules over one check's results → findings and a one-sentence verdict. Pure; the same in the
// CLI, the app and when support staff open a customer's bundle.
import type { AttemptResult, CheckResult } from '../model/results.js';
import { auditDiagnosis, isAudit } from '../audit/diagnose.js';
import { diagnosisContext } from './context.js';
import { captureRules, captureVerdict } from './rules-capture.js';
import { credentialRules } from './rules-credentials.js';
import { passiveAlgRules } from './rules-alg-passive.js';
import { pathRules } from './rules-path.js';
import { reachabilityRules } from './rules-reachability.js';
import { serverRules } from './rules-server.js';
import { settledResult } from './settled.js';
import { webrtcRules } from './rules-webrtc.js';
import type { Diagnosis, Finding, Rule } from './types.js';

/** In order of precedence among equal severities: an ALG that rewrites the login explains a rejected password. */
export const RULES: readonly Rule[] = [reachabilityRules, passiveAlgRules, credentialRules, serverRules, pathRules, webrtcRules];
/** An imported capture was not probed by us: only what a capture can show. */
export const CAPTURE_RULES: readonly Rule[] = [captureRules, credentialRules];
const ORDER = { error: 0, warning: 1, info: 2 } as const;

function works(attempts: AttemptResult[]): string[] {
  const out: string[] = [];
  for (const t of ['udp', 'tcp', 'tls', 'ws', 'wss'] as const) {
    const ok = attempts.filter((a) => a.transport === t && a.outcome === 'registered');
    if (!ok.length) continue;
    const all = attempts.filter((a) => a.transport === t);
    out.push(t === 'udp' && ok.length < all.length ? `UDP (${ok.map((a) => a.label.replace(/^UDP /, '')).join(', ')})` : t.toUpperCase());
  }
  return out;
}

/** Lower-cases a title's first letter for use mid-sentence, but not an acronym's ("SIP messages", "UDP from …"). */
const lowerFirst = (s: string): string => (/^[A-Z]{2}/.test(s) ? s : `${s.charAt(0).toLowerCase()}${s.slice(1)}`);

/** The problem first, naming what fails when the finding is about attempts ("UDP from port 5060 fails: …"). */
function lead(top: Finding, result: CheckResult): string {
  const failing = result.attempts.filter((a) => top.attempts.includes(a.id) && a.outcome !== 'registered');
  if (!failing.length || failing.length === result.attempts.length) return top.title;
  // A transport whose every attempt fails is named once ("UDP"), not attempt by attempt.
  const names = [
    ...new Set(failing.map((a) => (result.attempts.every((x) => x.transport !== a.transport || failing.includes(x)) ? a.transport.toUpperCase() : a.label))),
  ];
  return `${names.join(', ')} ${names.length > 1 ? 'fail' : 'fails'}: ${lowerFirst(top.title)}`;
}

/** `full` names what works among all attempts, so a cancelled one still counts as not (yet) working. */
function verdictOf(result: CheckResult, full: CheckResult, findings: Finding[]): string {
  const ok = works(full.attempts);
  const top = findings.find((f) => f.severity === 'error');
  if (result.incomplete?.reason === 'cancelled') {
    const sofar = ok.length ? `so far registration works over ${ok.join(' and ')}` : 'no registration had succeeded yet';
    return `Check cancelled, results incomplete: ${top ? `${lowerFirst(lead(top, result))}; ` : ''}${sofar}.`;
  }
  if (ok.length && top) return `${lead(top, result)}. Registration works over ${ok.join(' and ')}.`;
  if (ok.length) return `Registration works over ${ok.join(' and ')}.${findings.length ? ` ${findings[0]!.title}.` : ''}`;
  if (top) return `Registration fails everywhere: ${lowerFirst(top.title)}.`;
  return 'Registration fails everywhere, for reasons these results do not show.';
}

export function diagnose(full: CheckResult): Diagnosis {
  // An exposure audit is judged by its own rules (shared/audit), not as a registration check.
  if (isAudit(full)) return auditDiagnosis(full);
  // Rules judge only what finished: a cancelled attempt is not silence, a cut-short probe is not loss.
  const result = settledResult(full);
  const ctx = diagnosisContext(result);
  // A finding without evidence is not a finding.
  // Two probes may find the same thing (the matrix and the reflector both see seed 000): keep the first.
  const seen = new Set<string>();
  const findings: Finding[] = (result.origin === 'capture' ? CAPTURE_RULES : RULES)
    .flatMap((rule) => rule(ctx))
    .filter((f) => f.evidence.length > 0 && !seen.has(f.id) && seen.add(f.id))
    .sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
  return { verdict: result.origin === 'capture' ? captureVerdict(result, findings) : verdictOf(result, full, findings), findings };
}
