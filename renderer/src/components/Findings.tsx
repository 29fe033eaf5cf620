import type { JSX } from 'react';
// The verdict and the findings: plain words first, details and evidence on request.
import { useApp } from '../store.js';

export function Findings(): JSX.Element | null {
  const { diagnosis, set } = useApp();
  if (!diagnosis) return null;
  return (
    <section className="card" aria-labelledby="verdict">
      <h2 id="verdict" data-testid="verdict">{diagnosis.verdict}</h2>
      {diagnosis.findings.length === 0 && <p className="muted" data-testid="no-findings">No problems found.</p>}
      {diagnosis.findings.map((f) => (
        <details key={f.id} className={`finding ${f.severity}`} data-testid={`finding-${f.id}`}>
          <summary><span className="badge">{f.severity === 'error' ? '✖ problem' : f.severity === 'warning' ? '⚠ warning' : 'ℹ note'}</span> {f.title}</summary>
          <p>{f.explanation}</p>
          {f.fix.length > 0 && <><h4>What to change</h4><ul>{f.fix.map((x) => <li key={x}>{x}</li>)}</ul></>}
          <h4>For support staff</h4>
          <p className="technical">{f.technical}</p>
          <p>Evidence: {f.evidence.slice(0, 20).map((seq) => (
            <button key={seq} type="button" className="link" onClick={() => set({ selectedSeq: seq })}>#{seq}</button>
          ))} <span className="muted">(confidence {f.confidence})</span></p>
        </details>
      ))}
    </section>
  );
}
