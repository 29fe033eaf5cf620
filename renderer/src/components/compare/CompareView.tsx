import type { JSX } from 'react';
// Two runs side by side: verdicts, attempts by kind, findings that appeared or went away, the path
// probes' figures, and the two ladders.
import { useMemo } from 'react';
import type { ComparedRuns } from '../../../../shared/history/types.js';
import { ladderModel } from '../../../../shared/ladder/model.js';
import { useApp } from '../../store.js';
import { LadderView } from '../LadderView.js';

const PROBE_TITLES: Record<string, string> = { fragmentation: 'Message size', stun: 'STUN NAT behaviour', alg: 'SIP ALG', inbound: 'Inbound reachability' };

type Side = ComparedRuns['before'];

function SideLadder({ side, title }: { side: Side; title: string }): JSX.Element {
  const columns = useMemo(() => ladderModel(side.result, side.diagnosis.findings), [side]);
  return (
    <div className="compare-ladder" data-testid="compare-ladder">
      <h3>
        {title}: run {side.entry.id}, {new Date(side.entry.createdAt).toLocaleString()}
      </h3>
      <LadderView columns={columns} />
    </div>
  );
}

function FindingList({ title, items, testId }: { title: string; items: ComparedRuns['comparison']['findings']['kept']; testId: string }): JSX.Element | null {
  if (!items.length) return null;
  return (
    <div data-testid={testId}>
      <h3>{title}</h3>
      <ul>
        {items.map((f) => (
          <li key={f.id} className={`severity-${f.severity}`}>
            {f.title}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The path probes' figures of both runs, row by row (none when neither ran them). */
function ProbeFigures({ rows }: { rows: ComparedRuns['comparison']['pathProbes'] }): JSX.Element | null {
  if (!rows.length) return null;
  return (
    <>
      <h3>Path probes</h3>
      <table data-testid="compare-probes">
        <thead>
          <tr>
            <th>Probe</th>
            <th>Figure</th>
            <th>Before</th>
            <th>After</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.probe}|${r.name}`} className={r.changed ? 'changed' : undefined}>
              <td>{PROBE_TITLES[r.probe]}</td>
              <td>{r.name}</td>
              <td>{r.before ?? 'not run'}</td>
              <td>{r.after ?? 'not run'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

export function CompareView(): JSX.Element {
  const compared = useApp((s) => s.compared);
  const showPanel = useApp((s) => s.showHistoryPanel);
  if (!compared)
    return (
      <section className="card">
        <p>Tick two runs in the history to compare them.</p>
      </section>
    );
  const { comparison: c, before, after } = compared;
  const f = c.findings;
  return (
    <section className="card" data-testid="compare-view" aria-labelledby="compare-title">
      <h2 id="compare-title">Two runs compared</h2>
      <p>
        <button type="button" onClick={() => showPanel('history')}>
          Back to the history
        </button>
      </p>
      <table data-testid="compare-verdicts">
        <tbody>
          <tr>
            <th>Before (run {before.entry.id})</th>
            <td>{c.before.verdict}</td>
          </tr>
          <tr>
            <th>After (run {after.entry.id})</th>
            <td>{c.after.verdict}</td>
          </tr>
        </tbody>
      </table>
      <h3>Attempts</h3>
      <table data-testid="compare-attempts">
        <thead>
          <tr>
            <th>Attempt</th>
            <th>Before</th>
            <th>After</th>
          </tr>
        </thead>
        <tbody>
          {c.attempts.map((a) => (
            <tr key={a.kind} data-changed={a.changed} className={a.changed ? 'changed' : undefined}>
              <td>{a.label}</td>
              <td>{a.beforeWords ?? 'not tried'}</td>
              <td>
                {a.afterWords ?? 'not tried'}
                {a.changed ? ' ◀ changed' : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {f.appeared.length + f.gone.length + f.kept.length === 0 && <p>Neither run has findings.</p>}
      <FindingList title="Findings that appeared" items={f.appeared} testId="compare-appeared" />
      <FindingList title="Findings that went away" items={f.gone} testId="compare-gone" />
      <FindingList title="Findings in both" items={f.kept} testId="compare-kept" />
      <ProbeFigures rows={c.pathProbes} />
      <div className="compare-ladders">
        <SideLadder side={before} title="Before" />
        <SideLadder side={after} title="After" />
      </div>
    </section>
  );
}
