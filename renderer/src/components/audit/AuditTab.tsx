import type { JSX } from 'react';
// The "Audit my server" tab: the form (with its confirmation dialog), the audit's progress with
// Cancel, then its findings (severity, what to change per server software, evidence on the
// ladder), the exchanges, the ladder and the bundle export, all the check's own components.
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { api } from '../../api.js';
import { useApp } from '../../store.js';
import { AttemptsTable } from '../AttemptsTable.js';
import { BundleExport } from '../BundleExport.js';
import { Findings } from '../Findings.js';
import { LadderSection } from '../LadderSection.js';
import { AuditForm } from './AuditForm.js';

function AuditProgress({ runId }: { runId: string }): JSX.Element {
  const lines = useApp((s) => s.auditProgress);
  return (
    <section className="card" aria-labelledby="audit-progress-title" data-testid="audit-progress">
      <h2 id="audit-progress-title">Auditing…</h2>
      <ol aria-live="polite">
        {lines.slice(-12).map((l, i) => (
          <li key={`${i}-${l}`}>{l}</li>
        ))}
      </ol>
      <button type="button" data-testid="audit-cancel" onClick={() => void api.cancelCheck(runId)}>
        Cancel
      </button>
    </section>
  );
}

/** Ladder columns shown at first: the exchanges the first problems are about. */
export const FIRST_COLUMNS = 3;

function AuditResults(): JSX.Element | null {
  const { result, findings, selectedSeq } = useApp(
    useShallow((s) => ({ result: s.result?.origin === 'audit' ? s.result : null, findings: s.diagnosis?.findings, selectedSeq: s.selectedSeq })),
  );
  const [shown, setShown] = useState<number[] | null>(null);
  if (!result) return null;
  const cited = [...new Set((findings ?? []).filter((f) => f.severity !== 'info').flatMap((f) => f.attempts))].slice(0, FIRST_COLUMNS);
  const chosen = shown ?? (cited.length ? cited : result.attempts.slice(0, 2).map((a) => a.id));
  // Evidence picked in a finding brings its exchange onto the ladder.
  const evidenceColumn = selectedSeq === null ? undefined : result.trace.find((e) => e.seq === selectedSeq)?.attempt;
  const columns = evidenceColumn && !chosen.includes(evidenceColumn) ? [...chosen, evidenceColumn] : chosen;
  const toggle = (id: number): void => setShown(columns.includes(id) ? columns.filter((x) => x !== id) : [...columns, id]);
  return (
    <>
      <Findings />
      {result.audit && result.audit.skipped.length > 0 && (
        <section className="card" data-testid="audit-skipped">
          <h2>Not tested</h2>
          <ul>
            {result.audit.skipped.map((s) => (
              <li key={s.reason}>{s.reason}</li>
            ))}
          </ul>
        </section>
      )}
      <AttemptsTable attempts={result.attempts} shown={columns} onToggle={toggle} />
      <LadderSection shown={columns} />
      <BundleExport />
    </>
  );
}

export function AuditTab(): JSX.Element {
  const { runId, error, done } = useApp(useShallow((s) => ({ runId: s.auditRunId, error: s.auditError, done: s.auditDone })));
  return (
    <>
      {/* Mounted throughout, so what was typed is still there for the next audit. */}
      <AuditForm running={runId !== null} />
      {error && (
        <p className="error" role="alert" data-testid="audit-error">
          ⚠ {error}
        </p>
      )}
      {runId && <AuditProgress runId={runId} />}
      {!runId && done && <AuditResults />}
    </>
  );
}
