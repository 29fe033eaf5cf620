import type { JSX } from 'react';
// The dialogs of an imported capture, fit for 40,000 of them: virtualised (only the rows in view
// become DOM), sortable by any column, filtered sngrep-style (`status:4xx ua:Jitsi`), failures
// only, and "show affected" from the findings. Choosing a row shows its ladder.
import { useEffect, useMemo, useRef } from 'react';
import { parseFilter, selectDialogs, type DialogRow, type SortKey } from '../../../../shared/capture/dialog-filter.js';
import { answerText, dialogFacts, type SdpSummary } from '../../../../shared/capture/dialogs.js';
import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../../store.js';
import { countOf, countText } from '../../../../shared/capture/count-text.js';
import { captureHeading } from '../../../../shared/capture/report.js';
import { ROW_HEIGHT, VirtualRows } from './VirtualRows.js';

// minmax(0, 1fr): a long user agent must not widen its column in one row only (rows are grids of their own).
export const GRID = {
  display: 'grid',
  gridTemplateColumns: '5rem 6rem 12rem 7rem minmax(0, 1fr) 8rem 3.5rem minmax(0, 1fr)',
  gap: '0.5rem',
  alignItems: 'center',
} as const;
/** Every cell and title on one line, cut with an ellipsis (the full value is in its title), never over the next column. */
export const CELL = { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', textAlign: 'left', padding: 0 } as const;
/** A cell of free text (client, user, user agent), cut to its column and whole on hover. */
export const TextCell = ({ text, testId }: { text: string; testId?: string }): JSX.Element => (
  <span style={CELL} title={text} data-testid={testId}>
    {text}
  </span>
);
const COLUMNS: Array<[SortKey | null, string]> = [
  ['start', 'Time'],
  ['method', 'Method'],
  ['client', 'Client'],
  ['user', 'User'],
  ['agent', 'User agent'],
  ['status', 'Answer'],
  ['messages', 'Msgs'],
  [null, 'SDP offer'],
];

const media = (s?: SdpSummary): string =>
  s ? `${s.codecs.slice(0, 3).join(' ')} ${s.address}:${s.port}${s.direction === 'sendrecv' ? '' : ` ${s.direction}`}` : '';

function Header({ rows, total }: { rows: number; total: number }): JSX.Element {
  const { v, filterDialogs, toggleFailuresOnly, sortBy } = useApp(
    useShallow((s) => ({ v: s.captureView, filterDialogs: s.filterDialogs, toggleFailuresOnly: s.toggleFailuresOnly, sortBy: s.sortDialogs })),
  );
  return (
    <>
      <div className="dialog-controls">
        <input
          type="search"
          aria-label="Filter dialogs"
          data-testid="dialog-filter"
          size={50}
          value={v.filter}
          onChange={(e) => filterDialogs(e.target.value)}
          placeholder="status:4xx ua:Jitsi user:alice ip:10.0.0.7 kind:call callid:abc* method:INVITE"
        />
        <label className="inline">
          <input type="checkbox" data-testid="failures-only" checked={v.failuresOnly} onChange={toggleFailuresOnly} /> Failures only
        </label>
        <span data-testid="dialog-count" aria-live="polite">
          {countText(rows)} of {countOf(total, 'dialog')}
        </span>
      </div>
      <div role="row" style={GRID} className="dialog-head">
        {COLUMNS.map(([key, label]) =>
          key ? (
            <button
              key={label}
              type="button"
              role="columnheader"
              className="link"
              style={CELL}
              title={`Sort by ${label}`}
              data-testid={`sort-${key}`}
              aria-sort={v.sort === key ? (v.descending ? 'descending' : 'ascending') : 'none'}
              onClick={() => sortBy(key)}
            >
              {label}
              {v.sort === key ? (v.descending ? ' ▼' : ' ▲') : ''}
            </button>
          ) : (
            <span key={label} role="columnheader" style={CELL} title={label}>
              {label}
            </span>
          ),
        )}
      </div>
    </>
  );
}

/** One dialog's row, absolutely placed at `top` in the virtualised list; Enter or a click selects it. */
function DialogListRow({ d, top, shown, onSelect }: { d: DialogRow; top: number; shown: boolean; onSelect(attempt: number): void }): JSX.Element {
  return (
    <div
      role="row"
      tabIndex={0}
      data-testid="dialog-row"
      aria-selected={shown}
      className={`dialog-row ${d.failed ? 'bad' : 'ok'}`}
      style={{
        ...GRID,
        position: 'absolute',
        left: 0,
        right: 0,
        top,
        height: ROW_HEIGHT,
        cursor: 'pointer',
        overflow: 'hidden',
        whiteSpace: 'nowrap',
      }}
      onClick={() => onSelect(d.attempt)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') onSelect(d.attempt);
      }}
    >
      <span style={CELL}>{(d.startMs / 1000).toFixed(1)} s</span>
      <span style={CELL}>{d.method || '–'}</span>
      <TextCell text={`${d.client.address}:${d.client.port}`} />
      <TextCell text={d.user} />
      <TextCell text={d.agent} />
      <TextCell text={`${d.failed ? '✖' : '✔'} ${answerText(d)}`} testId="dialog-status" />
      <span style={CELL}>{d.messages}</span>
      <span style={CELL} title={media(d.offer)}>
        {media(d.offer)}
      </span>
    </div>
  );
}

export function DialogList({ shown, onSelect }: { shown: number[]; onSelect(attempt: number): void }): JSX.Element | null {
  const { result, diagnosis, selectedSeq, revealMessage } = useApp(
    useShallow((s) => ({ result: s.result, diagnosis: s.diagnosis, selectedSeq: s.selectedSeq, revealMessage: s.revealMessage })),
  );
  const view = useApp((s) => s.captureView);
  const scroller = useRef<HTMLDivElement>(null);
  const rows = useMemo<DialogRow[]>(() => {
    if (!result) return [];
    const startOf = new Map(result.attempts.map((a) => [a.id, a.startedAt]));
    return dialogFacts(result).map((f) => ({ ...f, startMs: startOf.get(f.attempt) ?? 0 }));
  }, [result]);
  const filter = useMemo(() => parseFilter(view.filter, (id) => diagnosis?.findings.find((f) => f.id === id)?.attempts), [view.filter, diagnosis]);
  const selected = useMemo(
    () => selectDialogs(rows, { filter, failuresOnly: view.failuresOnly, sort: view.sort, descending: view.descending }),
    [rows, filter, view.failuresOnly, view.sort, view.descending],
  );
  useEffect(() => {
    if (!view.focusRequest) return;
    scroller.current?.scrollIntoView({ block: 'nearest' });
    if (scroller.current) scroller.current.scrollTop = 0;
  }, [view.focusRequest]);
  // An evidence link to a message of an exchange not in the ladder brings that exchange into it.
  useEffect(() => {
    const attempt = selectedSeq === null ? undefined : result?.trace[selectedSeq - 1]?.attempt;
    if (attempt !== undefined && !shown.includes(attempt)) onSelect(attempt);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only a new selection moves the ladder, not a change of the shown set
  }, [selectedSeq]);
  if (!result) return null;
  // A chosen dialog is drawn with its first message open, and both are scrolled into view.
  const choose = (attempt: number): void => {
    onSelect(attempt);
    const first = result.attempts.find((a) => a.id === attempt)?.traceSeqs[0];
    if (first !== undefined) revealMessage(first);
  };
  return (
    <section className="card" data-testid="dialog-list">
      <h2>Dialogs seen in this capture</h2>
      <p className="muted" data-testid="capture-summary">
        {captureHeading(result)} {result.capture?.leftOut}
      </p>
      <Header rows={selected.length} total={rows.length} />
      {filter.problems.length > 0 && (
        <p className="muted" data-testid="filter-problems" style={{ overflowWrap: 'anywhere' }}>
          Left out of the filter: {filter.problems.join('; ')}.
        </p>
      )}
      <VirtualRows
        rows={selected}
        testId="dialog-scroll"
        scroller={scroller}
        row={(d, top) => <DialogListRow key={d.attempt} d={d} top={top} shown={shown.includes(d.attempt)} onSelect={choose} />}
      />
    </section>
  );
}
