import type { JSX } from 'react';
// Step 2: live progress per probe, elapsed time, cancel.
import { useEffect, useState } from 'react';
import { api } from '../api.js';
import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../store.js';

export function RunStep(): JSX.Element {
  const { progress, runId, startedAt } = useApp(useShallow((s) => ({ progress: s.progress, runId: s.runId, startedAt: s.startedAt })));
  const [now, setNow] = useState(startedAt);
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 200);
    return () => clearInterval(t);
  }, []);
  const lines = progress
    .filter((e) => e.type !== 'attempt-step')
    .map((e) => {
      switch (e.type) {
        case 'dns':
          return `DNS: ${e.text}`;
        case 'attempt-started':
          return `Started: ${e.label}`;
        case 'attempt-finished':
          return `Attempt ${e.attempt}: ${e.outcome} (${(e.durationMs / 1000).toFixed(2)} s)`;
        case 'probe-started':
          return `Probing: ${e.probe}…`;
        case 'probe-finished':
          return `${e.probe}: ${e.outcome} (${(e.durationMs / 1000).toFixed(1)} s)`;
        default:
          return '';
      }
    });
  const last = [...progress].reverse().find((e) => e.type === 'attempt-step');
  return (
    <section className="card" aria-live="polite" data-testid="progress">
      <h2>
        Checking… <span className="muted">{((now - startedAt) / 1000).toFixed(1)} s</span>
      </h2>
      {last?.type === 'attempt-step' && <p className="muted">Now: {last.text}</p>}
      <ul>
        {lines.map((l, i) => (
          <li key={i}>{l}</li>
        ))}
      </ul>
      <button type="button" data-testid="cancel-button" onClick={() => runId && void api.cancelCheck(runId)}>
        Cancel
      </button>
    </section>
  );
}
