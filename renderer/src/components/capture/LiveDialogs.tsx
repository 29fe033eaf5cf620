// The dialogs of a capture while it is still being read (shared/capture/live-dialogs.ts): they
// appear as the import finds them and their answers change as it reads on. A preview: the list of
// the results, with filters and ladders, replaces it once the whole file is read.
import type { JSX } from 'react';
import { useMemo, useState } from 'react';
import type { LiveDialog } from '../../../../shared/capture/live-dialogs.js';
import { countOf, countText } from '../../../../shared/capture/count-text.js';
import { CELL, GRID, TextCell } from './DialogList.js';
import { ROW_HEIGHT, VirtualRows } from './VirtualRows.js';

const COLUMNS = ['Time', 'Method', 'Client', 'User', 'User agent', 'Answer so far', 'Msgs', 'Call-ID'];

/** A final answer that already says the dialog failed (a 401/407 challenge usually comes before a success). */
const failing = (status?: number): boolean => status !== undefined && status >= 300 && status !== 401 && status !== 407;

function LiveRow({ d, top }: { d: LiveDialog; top: number }): JSX.Element {
  return (
    <div
      role="row"
      data-testid="live-dialog-row"
      className={failing(d.status) ? 'bad' : ''}
      style={{ ...GRID, position: 'absolute', left: 0, right: 0, top, height: ROW_HEIGHT }}
    >
      <span style={CELL}>{d.at.toFixed(1)} s</span>
      <span style={CELL}>{d.method || '–'}</span>
      <TextCell text={d.client} />
      <TextCell text={d.user} />
      <TextCell text={d.agent} />
      <span style={CELL} data-testid="live-status">
        {d.status ?? '…'}
      </span>
      <span style={CELL}>{d.messages}</span>
      <span style={CELL} className="muted" title={d.callId}>
        {d.callId}
      </span>
    </div>
  );
}

export function LiveDialogs({ rows }: { rows: readonly LiveDialog[] }): JSX.Element | null {
  const [failuresOnly, setFailuresOnly] = useState(false);
  const shown = useMemo(() => (failuresOnly ? rows.filter((d) => failing(d.status)) : rows), [rows, failuresOnly]);
  if (!rows.length) return null;
  return (
    <section className="card" data-testid="live-dialogs">
      <h2>Dialogs so far</h2>
      <div className="dialog-controls">
        <label className="inline">
          <input type="checkbox" data-testid="live-failures-only" checked={failuresOnly} onChange={() => setFailuresOnly(!failuresOnly)} /> Failures so far only
        </label>
        <span className="muted" data-testid="live-dialog-count">
          {countOf(rows.length, 'dialog')} found so far{failuresOnly ? `, ${countText(shown.length)} failing` : ''}; their answers may still change while the
          file is read.
        </span>
      </div>
      <div role="row" style={GRID} className="dialog-head">
        {COLUMNS.map((label) => (
          <span key={label} role="columnheader" style={CELL}>
            {label}
          </span>
        ))}
      </div>
      <VirtualRows rows={shown} testId="live-dialog-scroll" row={(d, top) => <LiveRow key={d.n} d={d} top={top} />} />
    </section>
  );
}
