// Helpers the audit rules share: exchanges by test and variant, their evidence, and one way to
// build a finding so every rule says the same things in the same order.
import type { DiagnosisContext, Finding, Severity } from '../diagnosis/types.js';
import type { CheckResult } from '../model/results.js';
import type { AuditExchange, AuditRecord, AuditVariant, AuditTestId } from './model.js';

/** A rule over an audit's results (the record is there by construction). */
export type AuditRule = (result: CheckResult & { audit: AuditRecord }, ctx: DiagnosisContext) => Finding[];

export function exchangesOf(record: AuditRecord, test: AuditTestId, variant?: AuditVariant): AuditExchange[] {
  return record.exchanges.filter((e) => e.test === test && (variant === undefined || e.variant === variant));
}

export const evidenceOf = (xs: AuditExchange[]): number[] => [...new Set(xs.flatMap((x) => x.seqs))].sort((a, b) => a - b);
export const attemptsOf = (xs: AuditExchange[]): number[] => [...new Set(xs.map((x) => x.attempt))];

/** "401", "no answer", "100 then 477". */
export function answerText(x: AuditExchange): string {
  const final = x.status === undefined ? 'no answer' : String(x.status);
  return x.provisional.length ? `${x.provisional.join(', ')} then ${final}${x.cancelled ? ' (we cancelled)' : ''}` : final;
}

export interface FindingText {
  title: string;
  explanation: string;
  technical: string;
  fix: string[];
}

export function finding(
  id: string,
  severity: Severity,
  text: FindingText,
  evidence: number[],
  attempts: number[],
  confidence: Finding['confidence'] = 'high',
): Finding {
  return { id, severity, ...text, evidence, attempts, confidence };
}
