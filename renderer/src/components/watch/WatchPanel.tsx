import type { JSX } from 'react';
// The running (or ended) "Keep checking": status, Stop, the timeline, the change events and the runs.
import { api } from '../../api.js';
import type { WatchRunView } from '../../slices/history.js';
import { useApp } from '../../store.js';
import { openHistoryRun } from '../history/actions.js';
import { WatchTimeline } from './WatchTimeline.js';

const ENDS: Record<string, string> = {
  count: 'all runs done',
  duration: 'the time is up',
  stopped: 'stopped',
  'auth-failed': 'the server rejected the credentials; not repeating them (that could lock the account)',
  failed: 'failed',
};

const minutes = (ms: number): string => (ms < 60_000 ? `${ms / 1000} s` : ms < 3600_000 ? `${ms / 60_000} min` : `${ms / 3600_000} h`);

export function WatchPanel(): JSX.Element {
  const w = useApp((s) => s.watchView);
  if (!w)
    return (
      <section className="card">
        <p>No check is running repeatedly. Start one from the first screen (Keep checking).</p>
      </section>
    );
  const changes = w.runs.flatMap((r) => r.changes.map((c) => ({ ...c, index: r.index })));
  const last = w.runs.at(-1);
  return (
    <section className="card" data-testid="watch-panel" aria-labelledby="watch-title">
      <h2 id="watch-title">Keep checking</h2>
      <p data-testid="watch-status" data-state={w.ended ? 'ended' : 'running'}>
        Every {minutes(w.settings.everyMs)} for {minutes(w.settings.forMs)}: {w.runs.length} run{w.runs.length === 1 ? '' : 's'} so far.{' '}
        {w.ended ? (
          <>
            Ended: {ENDS[w.ended.end] ?? w.ended.end}
            {w.ended.message ? ` (${w.ended.message})` : ''}.
          </>
        ) : (
          <button type="button" data-testid="watch-stop" onClick={() => void api.stopWatch(w.watchId)}>
            Stop
          </button>
        )}
      </p>
      {last && (
        <p className="verdict-line" data-testid="watch-last-verdict">
          Last run: {last.verdict}
        </p>
      )}
      <h3>What changed</h3>
      {changes.length === 0 ? (
        <p className="muted" data-testid="watch-no-changes">
          Nothing changed between runs.
        </p>
      ) : (
        <ul data-testid="watch-changes">
          {changes.map((c, i) => (
            <li key={i}>
              Run {c.index}: {c.text}
            </li>
          ))}
        </ul>
      )}
      {w.runs.length > 0 && <WatchTimeline runs={w.runs} />}
      <WatchRunTable runs={w.runs} />
    </section>
  );
}

/** Every run of the watch, each with its verdict and a way to open it from the history. */
function WatchRunTable({ runs }: { runs: WatchRunView[] }): JSX.Element {
  return (
    <details>
      <summary>Every run</summary>
      <table>
        <thead>
          <tr>
            <th>Run</th>
            <th>Time</th>
            <th>Verdict</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <tr key={r.index} data-testid="watch-run">
              <td>
                {r.index}
                {r.full ? ' (with path probes)' : ''}
              </td>
              <td>{new Date(r.snapshot.at).toLocaleTimeString()}</td>
              <td>{r.verdict}</td>
              <td>
                {r.historyId !== undefined && (
                  <button type="button" onClick={() => void openHistoryRun(r.historyId!)}>
                    Open
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
