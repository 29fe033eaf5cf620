import type { JSX } from 'react';
// "Keep checking": the account on the form checked again every interval for a while (a watch),
// light (the registration matrix) with the path probes now and then. Its runs go to the history.
import { useState } from 'react';
import type { WatchSettings } from '../../../../shared/history/types.js';
import { api } from '../../api.js';
import { validateForm } from '../../form.js';
import { useApp } from '../../store.js';

/** Choices offered; the engine refuses anything under 5 s (MIN_EVERY_MS in electron/watch/watch.ts). */
const INTERVALS: Array<[label: string, ms: number]> = [
  ['5 s', 5_000],
  ['30 s', 30_000],
  ['1 min', 60_000],
  ['5 min', 300_000],
  ['15 min', 900_000],
];
const DURATIONS: Array<[label: string, ms: number]> = [
  ['1 hour', 3600_000],
  ['8 hours', 8 * 3600_000],
  ['24 hours', 24 * 3600_000],
];
/** Path probes on the first run and every Nth after it (the CLI's default). */
const FULL_EVERY = 12;

export function KeepChecking(): JSX.Element {
  const form = useApp((s) => s.form);
  const running = useApp((s) => s.watchView !== null && s.watchView.ended === null);
  const showPanel = useApp((s) => s.showHistoryPanel);
  const [everyMs, setEveryMs] = useState(300_000);
  const [forMs, setForMs] = useState(24 * 3600_000);
  const [error, setError] = useState('');
  const { options } = validateForm(form);
  const start = async (): Promise<void> => {
    if (!options) return setError('Fill in the account above first.');
    setError('');
    try {
      const settings: WatchSettings = { everyMs, forMs, fullEvery: FULL_EVERY };
      await api.startWatch(options, settings, form.savedAccountId);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <section className="card" data-testid="keep-checking" aria-labelledby="keep-checking-title">
      <h2 id="keep-checking-title">Keep checking</h2>
      <p className="muted">
        For problems that come and go ("it drops every few hours"): the same check again and again, each run kept in the history, with a timeline and what
        changed between runs.
      </p>
      {running ? (
        <button type="button" data-testid="watch-show" onClick={() => showPanel('watch')}>
          Show the running check
        </button>
      ) : (
        <div className="inline-controls">
          <label>
            Every{' '}
            <select data-testid="watch-every" value={everyMs} onChange={(e) => setEveryMs(Number(e.target.value))}>
              {INTERVALS.map(([label, ms]) => (
                <option key={ms} value={ms}>
                  {label}
                </option>
              ))}
            </select>
          </label>{' '}
          <label>
            for{' '}
            <select data-testid="watch-for" value={forMs} onChange={(e) => setForMs(Number(e.target.value))}>
              {DURATIONS.map(([label, ms]) => (
                <option key={ms} value={ms}>
                  {label}
                </option>
              ))}
            </select>
          </label>{' '}
          <button type="button" data-testid="watch-start" disabled={!options} onClick={() => void start()}>
            Keep checking
          </button>
          <p className="muted">Path probes on the first run and every {FULL_EVERY}th; the other runs test registration only.</p>
        </div>
      )}
      {error && (
        <p className="error" role="alert">
          ⚠ {error}
        </p>
      )}
    </section>
  );
}
