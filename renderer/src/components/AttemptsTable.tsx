import type { JSX } from 'react';
// The attempts of a check, each with a box that puts it in the ladder.
import type { AttemptResult } from '../../../shared/model/results.js';

/** Rows of the attempts table (an imported capture can hold tens of thousands of exchanges). */
const TABLE_ROWS = 200;

function outcomeText(a: AttemptResult): string {
  const mark = a.outcome === 'registered' ? '✔' : a.outcome === 'aborted' ? '⏹' : '✖';
  return `${mark} ${a.outcome === 'aborted' ? 'cancelled' : a.outcome}${a.status ? ` ${a.status}` : ''}`;
}

export function AttemptsTable({ attempts, shown, onToggle }: { attempts: AttemptResult[]; shown: number[]; onToggle(id: number): void }): JSX.Element {
  return (
    <section className="card">
      <h2>Attempts</h2>
      <table data-testid="attempts">
        <thead>
          <tr>
            <th>Show</th>
            <th>Attempt</th>
            <th>Local port</th>
            <th>Outcome</th>
            <th>Time</th>
            <th>Seen by the server as</th>
          </tr>
        </thead>
        <tbody>
          {attempts.slice(0, TABLE_ROWS).map((a) => (
            <tr key={a.id} className={a.outcome === 'registered' ? 'ok' : a.outcome === 'aborted' ? 'cancelled' : 'bad'}>
              <td>
                <input type="checkbox" aria-label={`Show ${a.label} in the ladder`} checked={shown.includes(a.id)} onChange={() => onToggle(a.id)} />
              </td>
              <td>{a.label}</td>
              <td>{a.localPort ?? '–'}</td>
              <td className="nowrap">{outcomeText(a)}</td>
              <td className="nowrap">{(a.durationMs / 1000).toFixed(2)} s</td>
              <td>{a.via?.received ? `${a.via.received}:${a.via.rport ?? '?'}` : '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {attempts.length > TABLE_ROWS && (
        <p className="muted">
          Showing the first {TABLE_ROWS} of {attempts.length} exchanges; the findings cover all of them.
        </p>
      )}
    </section>
  );
}
