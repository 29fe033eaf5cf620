// Findings and a one-sentence verdict for an exposure audit (origin 'audit'). Pure: the same in
// the CLI, the app, and when a bundle of an audit is opened (recomputed from its record + trace).
import { diagnosisContext } from '../diagnosis/context.js';
import type { Diagnosis, Finding } from '../diagnosis/types.js';
import type { CheckResult } from '../model/results.js';
import type { AuditRecord } from './model.js';
import { CRYPTO_AUDIT_RULES } from './rules-crypto.js';
import { SIP_AUDIT_RULES } from './rules-sip.js';

const ORDER = { error: 0, warning: 1, info: 2 } as const;

const lowerFirst = (s: string): string => `${s.charAt(0).toLowerCase()}${s.slice(1)}`;

function verdictOf(result: CheckResult, findings: Finding[]): string {
  const serious = findings.filter((f) => f.severity === 'error');
  const warnings = findings.filter((f) => f.severity === 'warning');
  const fine = findings.length - serious.length - warnings.length;
  const where = `Audit of ${result.account.server}`;
  const cancelled = result.incomplete ? ' (cancelled: incomplete)' : '';
  if (!serious.length && !warnings.length) return `${where}${cancelled}: nothing exposed in the ${fine} tests that gave an answer.`;
  const counts = [
    serious.length && `${serious.length} serious problem${serious.length > 1 ? 's' : ''}`,
    warnings.length && `${warnings.length} warning${warnings.length > 1 ? 's' : ''}`,
  ]
    .filter(Boolean)
    .join(' and ');
  return `${where}${cancelled}: ${counts}. ${[...serious, ...warnings]
    .slice(0, 2)
    .map((f, i) => (i ? lowerFirst(f.title) : f.title))
    .join('; ')}.`;
}

export function isAudit(result: CheckResult): result is CheckResult & { audit: AuditRecord } {
  return result.origin === 'audit' && result.audit !== undefined;
}

export function auditDiagnosis(result: CheckResult & { audit: AuditRecord }): Diagnosis {
  const ctx = diagnosisContext(result);
  // A finding without evidence is not a finding.
  const findings = [...SIP_AUDIT_RULES, ...CRYPTO_AUDIT_RULES]
    .flatMap((rule) => rule(result, ctx))
    .filter((f) => f.evidence.length > 0)
    .sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
  return { verdict: verdictOf(result, findings), findings };
}
