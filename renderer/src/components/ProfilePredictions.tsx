import type { JSX } from 'react';
// "Would these phones register here?": each client profile's prediction from the check's results.
import { useMemo } from 'react';
import type { CheckResult } from '../../../shared/model/results.js';
import { CLIENT_PROFILES } from '../../../shared/profiles/clients.js';
import { predictProfiles } from '../../../shared/profiles/predict.js';

export function ProfilePredictions({ result }: { result: CheckResult }): JSX.Element {
  const predictions = useMemo(() => predictProfiles(result, CLIENT_PROFILES), [result]);
  return (
    <section className="card" data-testid="profiles">
      <h2>Would these phones register here?</h2>
      <ul>
        {predictions.map((p) => (
          <li key={p.profile}>
            <strong>{p.verdict === 'works' ? '✔ works' : p.verdict === 'fails' ? '✖ fails' : '? unknown'}</strong> — {p.name}: {p.because}
            {p.fix && <div>What to change: {p.fix}</div>}
            {p.warnings.map((w) => (
              <div key={w}>⚠ {w}</div>
            ))}
          </li>
        ))}
      </ul>
    </section>
  );
}
