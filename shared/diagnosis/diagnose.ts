// Rules over one check's results → findings and a one-sentence verdict. Pure; the same in the
// CLI, the app and when support staff open a customer's bundle.
import type { AttemptResult, CheckResult } from '../model/results.js';
import { diagnosisContext } from './context.js';
import { captureRules } from './rules-capture.js';
import { credentialRules } from './rules-credentials.js';
import { pathRules } from './rules-path.js';
import { reachabilityRules } from './rules-reachability.js';
import { serverRules } from './rules-server.js';
import type { Diagnosis, Finding, Rule } from './types.js';

export const RULES: readonly Rule[] = [reachabilityRules, credentialRules, serverRules, pathRules];
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

export function diagnose(result: CheckResult): Diagnosis {
  const ctx = diagnosisContext(result);
  // A finding without evidence is not a finding.
  // Two probes may find the same thing (the matrix and the reflector both see seed 000): keep the first.
  const seen = new Set<string>();
  const findings: Finding[] = (result.origin === 'capture' ? CAPTURE_RULES : RULES).flatMap((rule) => rule(ctx)).filter((f) => f.evidence.length > 0 && !seen.has(f.id) && seen.add(f.id))
    .sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
  const ok = works(result.attempts);
  const top = findings.find((f) => f.severity === 'error');
  let verdict: string;
  if (ok.length && top) verdict = `Registration works over ${ok.join(' and ')}; ${top.title.charAt(0).toLowerCase()}${top.title.slice(1)}.`;
  else if (ok.length) verdict = `Registration works over ${ok.join(' and ')}.${findings.length ? ` ${findings[0]!.title}.` : ''}`;
  else if (top) verdict = `Registration fails everywhere: ${top.title.charAt(0).toLowerCase()}${top.title.slice(1)}.`;
  else verdict = 'Registration fails everywhere, for reasons these results do not show.';
  return { verdict, findings };
}
