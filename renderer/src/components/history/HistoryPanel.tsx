import type { JSX } from 'react';
// The run history: every check, opened bundle, imported capture and watch run kept on this
// computer, newest first; open any, save any as a bundle, tick two to compare them.
import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../../store.js';
import { compareTicked, exportHistoryRun, openHistoryRun, refreshHistory } from './actions.js';

const KIND_WORDS: Record<string, string> = { check: 'check', bundle: 'opened bundle', import: 'imported capture', watch: 'keep checking' };

export function HistoryPanel(): JSX.Element {
  const { entries, compareIds, toggleCompare, error } = useApp(
    useShallow((s) => ({ entries: s.historyEntries, compareIds: s.compareIds, toggleCompare: s.toggleCompare, error: s.historyError })),
  );
  useEffect(() => void refreshHistory(), []);
  return (
    <section className="card" data-testid="history-panel" aria-labelledby="history-title">
      <h2 id="history-title">History</h2>
      <p className="muted">Runs kept on this computer (never with passwords). Tick two runs to compare them — e.g. before and after a router change.</p>
      <p>
        <button type="button" data-testid="history-compare" disabled={compareIds.length !== 2} onClick={() => void compareTicked()}>
          Compare the two ticked runs
        </button>{' '}
        <button type="button" onClick={() => void refreshHistory()}>
          Refresh
        </button>
      </p>
      {error && (
        <p className="error" role="alert">
          ⚠ {error}
        </p>
      )}
      {entries.length === 0 ? (
        <p data-testid="history-empty">No runs yet: checks you run appear here.</p>
      ) : (
        <table data-testid="history-list">
          <thead>
            <tr>
              <th>Compare</th>
              <th>When</th>
              <th>What</th>
              <th>Account</th>
              <th>Verdict</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id} data-testid="history-row" data-history-id={e.id}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`compare run ${e.id}`}
                    data-testid="history-tick"
                    checked={compareIds.includes(e.id)}
                    onChange={() => toggleCompare(e.id)}
                  />
                </td>
                <td>{new Date(e.createdAt).toLocaleString()}</td>
                <td>{KIND_WORDS[e.kind] ?? e.kind}</td>
                <td>
                  {e.user}@{e.server}
                </td>
                <td>{e.verdict}</td>
                <td>
                  <button type="button" data-testid="history-open" onClick={() => void openHistoryRun(e.id)}>
                    Open
                  </button>{' '}
                  <button type="button" data-testid="history-export" onClick={() => void exportHistoryRun(e.id)}>
                    Save as bundle
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
