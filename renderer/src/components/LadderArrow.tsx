import type { JSX } from 'react';
// One arrow of the ladder. Each arrow subscribes to its own selection state only, so selecting a
// message renders the arrow that gains the selection and the one that loses it, not the ladder.
import { memo, type KeyboardEvent } from 'react';
import type { LaidOutArrow } from '../../../shared/ladder/layout.js';
import { arrowClass } from '../../../shared/ladder/style.js';
import { useApp } from '../store.js';

/**
 * Arrow keys move the focus: Up/Down to the previous/next message of the same attempt, Left/Right
 * to the message at about the same height in the neighbouring attempt. Tab leaves the ladder.
 */
function moveFocus(e: KeyboardEvent<SVGGElement>): void {
  const vertical = e.key === 'ArrowDown' ? 1 : e.key === 'ArrowUp' ? -1 : 0;
  const sideways = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
  if (!vertical && !sideways) return;
  e.preventDefault();
  const found = e.currentTarget.ownerSVGElement?.querySelectorAll<SVGGElement>('g.arrow[role="button"]');
  const all = found ? Array.from(found) : [];
  const column = (g: SVGGElement): number => Number(g.dataset.column);
  const here = e.currentTarget;
  // The same column for Up/Down, the neighbouring one for Left/Right.
  const peers = all.filter((g) => column(g) === column(here) + sideways);
  if (vertical) return void peers[peers.indexOf(here) + vertical]?.focus();
  const distance = (g: SVGGElement): number => Math.abs(Number(g.dataset.y) - Number(here.dataset.y));
  peers.sort((a, b) => distance(a) - distance(b))[0]?.focus();
}

interface ArrowProps {
  a: LaidOutArrow;
  column: number | undefined;
  /** Given to the first selectable arrow only: it holds the Tab stop while none of these drawn arrows is selected. */
  tabStopUnless?: ReadonlySet<number>;
}

/** Arrows of messages (seq > 0) can be selected; a lost answer or a refusal has no message behind it. */
export const LadderArrow = memo(function LadderArrow({ a, column, tabStopUnless }: ArrowProps): JSX.Element {
  const selected = useApp((s) => s.selectedSeq === a.seq);
  const fallbackTabStop = useApp((s) => tabStopUnless !== undefined && (s.selectedSeq === null || !tabStopUnless.has(s.selectedSeq)));
  const selectArrow = useApp((s) => s.selectArrow);
  const selectable = a.seq > 0;
  const select = (): void => {
    if (selectable) selectArrow(a.seq);
  };
  return (
    <g
      className={arrowClass(a, selected)}
      data-testid={`ladder-arrow-${a.seq}`}
      data-column={column}
      data-y={a.y}
      tabIndex={selected || fallbackTabStop ? 0 : selectable ? -1 : undefined}
      role={selectable ? 'button' : 'img'}
      aria-label={`${a.fullLabel}${a.retransmission ? ' (retransmission)' : ''}, ${a.timeLabel}${a.annotations.length ? `; cited by: ${a.annotations.join('; ')}` : ''}`}
      onClick={select}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') select();
        else moveFocus(e);
      }}
    >
      <line x1={a.x1} x2={a.x2} y1={a.y} y2={a.y} markerEnd={a.lost || a.refused ? undefined : 'url(#arrowhead)'} />
      {a.lost && (
        <text x={a.x2} y={a.y + 5} textAnchor="middle" className="cross">
          ✕
        </text>
      )}
      {a.refused && (
        <text x={a.x2 + 8} y={a.y + 5} textAnchor="middle" className="refusal">
          ⊘
        </text>
      )}
      <text x={a.labelX} y={a.y - 6} textAnchor="middle">
        <title>{a.fullLabel}</title>
        {a.label}
        {a.retransmission ? ' ↻' : ''}
      </text>
      <text x={Math.max(a.x1, a.x2) + 8} y={a.y + 4} className="time">
        {a.timeLabel}
        {a.annotations.length ? ' ⚑' : ''}
      </text>
    </g>
  );
});
