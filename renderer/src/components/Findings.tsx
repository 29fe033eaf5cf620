import type { JSX } from 'react';
// The verdict first, then one line of what to do for the user's client, then the findings (the
// first problem open); path probes still running are marked pending; an incomplete run says so.
import { useEffect, useRef, useState } from 'react';
import type { Finding } from '../../../shared/diagnosis/types.js';
import { adviceFor } from '../../../shared/profiles/advice.js';
import { api } from '../api.js';
import { startRun } from '../run.js';
import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../store.js';
import { ShowAffected } from './capture/ShowAffected.js';

function FindingItem({ f, initiallyOpen }: { f: Finding; initiallyOpen: boolean }): JSX.Element {
  const revealMessage = useApp((s) => s.revealMessage);
  const [open, setOpen] = useState(initiallyOpen);
  return (
    <details className={`finding ${f.severity}`} data-testid={`finding-${f.id}`} open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>
        <span className="badge">{f.severity === 'error' ? '✖ problem' : f.severity === 'warning' ? '⚠ warning' : 'ℹ note'}</span> {f.title}
      </summary>
      <p>{f.explanation}</p>
      {f.fix.length > 0 && (
        <>
          <h4>What to change</h4>
          <ul>
            {f.fix.map((x) => (
              <li key={x}>{x}</li>
            ))}
          </ul>
        </>
      )}
      <h4>For support staff</h4>
      <p className="technical">{f.technical}</p>
      <ShowAffected finding={f} />
      <p>
        Evidence:{' '}
        {f.evidence.slice(0, 20).map((seq) => (
          <button key={seq} type="button" className="link" onClick={() => revealMessage(seq)}>
            #{seq}
          </button>
        ))}{' '}
        <span className="muted">(confidence {f.confidence})</span>
      </p>
    </details>
  );
}

/** Path probes of a run whose matrix verdict is already shown: each pending until it ends. */
function PendingProbes(): JSX.Element | null {
  const { probes, runId } = useApp(useShallow((s) => ({ probes: s.probes, runId: s.runId })));
  if (!runId) return null;
  return (
    <div className="pending" data-testid="pending-probes" aria-live="polite">
      <p>Still checking the network path; findings may be added or refined.</p>
      <ul>
        {probes.map((p) => (
          <li key={p.probe}>
            {p.outcome === undefined ? `⏳ ${p.probe}: pending` : `✔ ${p.probe}: ${p.outcome} (${((p.durationMs ?? 0) / 1000).toFixed(1)} s)`}
          </li>
        ))}
      </ul>
      <button type="button" data-testid="cancel-button" onClick={() => void api.cancelCheck(runId)}>
        Cancel
      </button>
    </div>
  );
}

export function Findings(): JSX.Element | null {
  const { diagnosis, result, runId, client, lastOptions, demo, opened } = useApp(
    useShallow((s) => ({
      diagnosis: s.diagnosis,
      result: s.result,
      runId: s.runId,
      client: s.form.client,
      lastOptions: s.lastOptions,
      demo: s.demo,
      opened: s.opened,
    })),
  );
  const verdictRef = useRef<HTMLHeadingElement>(null);
  const arrived = !!diagnosis;
  // Focus moves to the verdict when results arrive, so keyboard and screen-reader users start there.
  useEffect(() => {
    if (arrived) verdictRef.current?.focus();
  }, [arrived]);
  if (!diagnosis || !result) return null;
  const state = runId ? 'partial' : result.incomplete ? 'incomplete' : 'complete';
  const advice = result.origin === 'capture' || result.origin === 'audit' ? null : adviceFor(client, result, diagnosis);
  const firstError = diagnosis.findings.findIndex((f) => f.severity === 'error');
  return (
    <section className="card" aria-labelledby="verdict">
      <h2 id="verdict" data-testid="verdict" data-state={state} tabIndex={-1} ref={verdictRef}>
        {diagnosis.verdict}
      </h2>
      {advice && (
        <p className="advice" data-testid="advice">
          {advice}
        </p>
      )}
      {demo && !opened && lastOptions?.fixedSourcePort === demo.blockedSourcePort && (
        <p className="note" data-testid="demo-results-note">
          Demo: local port {demo.blockedSourcePort} stands in for 5060, which a demo must not take from this computer.
        </p>
      )}
      {state === 'incomplete' && (
        <p className="incomplete" role="status" data-testid="incomplete">
          Incomplete: {result.incomplete!.detail}. What did not finish is left out of the findings.{' '}
          {lastOptions && (
            <button type="button" className="primary" data-testid="run-again" onClick={() => void startRun(lastOptions)}>
              Run the check again
            </button>
          )}
        </p>
      )}
      {state === 'partial' && <PendingProbes />}
      {diagnosis.findings.length === 0 && state === 'complete' && (
        <p className="muted" data-testid="no-findings">
          No problems found.
        </p>
      )}
      {diagnosis.findings.map((f, i) => (
        <FindingItem key={f.id} f={f} initiallyOpen={i === firstError} />
      ))}
    </section>
  );
}
