// Findings: what is wrong, in words for the user and for support staff, with the evidence.
import type { CheckResult } from '../model/results.js';
import type { TraceEvent } from '../model/trace.js';
import type { SipMessage } from '../sip/message.js';

export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  /** Stable identifier of the rule, e.g. "inbound-udp-5060-dropped". */
  id: string;
  severity: Severity;
  /** Plain-language title for an end user. */
  title: string;
  /** Plain-language explanation for an end user. */
  explanation: string;
  /** Technical explanation for support staff (RFC sections, exact observations). */
  technical: string;
  /** Trace seqs that show it; never empty. */
  evidence: number[];
  /** Attempt ids the finding is about (empty for path-probe findings). */
  attempts: number[];
  fix: string[];
  confidence: 'high' | 'medium' | 'low';
}

export interface Diagnosis {
  verdict: string;
  findings: Finding[];
}

/** What rules get: the results, plus the trace decoded once. */
export interface DiagnosisContext {
  result: CheckResult;
  /** Parsed SIP messages of an attempt, in trace order, with their trace events. */
  messages(attempt: number): Array<{ event: TraceEvent; message: SipMessage }>;
}

export type Rule = (ctx: DiagnosisContext) => Finding[];

/** The rule of one finding: the finding when it applies (several for a per-transport finding), else nothing. */
export type FindingRule = (ctx: DiagnosisContext) => Finding | Finding[] | null | undefined;

/** A family of finding rules, run in order (the order decides precedence among equal severities). */
export function ruleFamily(...rules: FindingRule[]): Rule {
  return (ctx) => rules.flatMap((rule) => rule(ctx) ?? []);
}
