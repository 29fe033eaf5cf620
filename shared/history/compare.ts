// Compare two runs (two history entries or two bundles: before/after a router change, a customer
// against a reference run): attempts side by side by attempt kind, findings that appeared or went
// away, and the path-probe figures.
import { diagnose } from '../diagnosis/diagnose.js';
import type { Diagnosis, Finding } from '../diagnosis/types.js';
import type { CheckResult } from '../model/results.js';
import { outcomeWords, snapshotOf, type AttemptPoint } from './snapshot.js';
import { pathProbeFigures, type FigureRow } from './figures.js';

export interface AttemptComparison {
  kind: string;
  label: string;
  before?: AttemptPoint;
  after?: AttemptPoint;
  /** Outcome in words on each side (absent: not tried in that run). */
  beforeWords?: string;
  afterWords?: string;
  changed: boolean;
}

export interface FindingRef {
  id: string;
  title: string;
  severity: Finding['severity'];
}

export interface RunSide {
  startedAt: string;
  server: string;
  verdict: string;
}

export interface RunComparison {
  before: RunSide;
  after: RunSide;
  attempts: AttemptComparison[];
  findings: { appeared: FindingRef[]; gone: FindingRef[]; kept: FindingRef[] };
  pathProbes: FigureRow[];
}

const refOf = (f: Finding): FindingRef => ({ id: f.id, title: f.title, severity: f.severity });

function compareAttempts(before: CheckResult, after: CheckResult): AttemptComparison[] {
  const b = new Map(snapshotOf(before).attempts.map((a) => [a.kind, a]));
  const a = new Map(snapshotOf(after).attempts.map((p) => [p.kind, p]));
  // Kinds in the order the earlier run tried them, then the ones only the later run tried.
  return [...new Set([...b.keys(), ...a.keys()])].map((kind) => {
    const x = b.get(kind);
    const y = a.get(kind);
    const beforeWords = x && outcomeWords(x);
    const afterWords = y && outcomeWords(y);
    return {
      kind,
      label: (y ?? x)!.label,
      ...(x ? { before: x, beforeWords } : {}),
      ...(y ? { after: y, afterWords } : {}),
      changed: beforeWords !== afterWords,
    };
  });
}

/** Findings by rule id: those only in the later run appeared, those only in the earlier one went away. */
function compareFindings(before: Diagnosis, after: Diagnosis): RunComparison['findings'] {
  const beforeIds = new Set(before.findings.map((f) => f.id));
  const afterIds = new Set(after.findings.map((f) => f.id));
  return {
    appeared: after.findings.filter((f) => !beforeIds.has(f.id)).map(refOf),
    gone: before.findings.filter((f) => !afterIds.has(f.id)).map(refOf),
    kept: after.findings.filter((f) => beforeIds.has(f.id)).map(refOf),
  };
}

/** `before` is the earlier or reference run; diagnoses are recomputed with this version's rules. */
export function compareRuns(before: CheckResult, after: CheckResult): RunComparison {
  const db = diagnose(before);
  const da = diagnose(after);
  const side = (r: CheckResult, d: Diagnosis): RunSide => ({ startedAt: r.startedAt, server: r.account.server, verdict: d.verdict });
  return {
    before: side(before, db),
    after: side(after, da),
    attempts: compareAttempts(before, after),
    findings: compareFindings(db, da),
    pathProbes: pathProbeFigures(before, after),
  };
}
