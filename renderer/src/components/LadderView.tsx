import type { JSX } from 'react';
// The registration ladder: the pure layout drawn as SVG. Arrows are keyboard-focusable; Enter or a
// click shows the raw message, arrow keys move between arrows. Lost answers end in a cross, refusals
// (ICMP port unreachable) in ⊘; retransmissions are dashed; ⚑ marks arrows a finding cites.
// Its look is the ladder stylesheet (shared/ladder/style.ts), the same as exported SVG's.
// The layout is computed from the ladder's columns only: selecting an arrow does not render this view.
import { useEffect, useMemo, useRef, useState, type UIEvent } from 'react';
import { useApp } from '../store.js';
import { DEFAULT_LAYOUT, layoutLadder, truncate, type LadderLayout } from '../../../shared/ladder/layout.js';
import type { LadderColumn } from '../../../shared/ladder/model.js';
import { LADDER_CLASS } from '../../../shared/ladder/style.js';
import { LadderArrow } from './LadderArrow.js';

/** Height of the scrolling ladder viewport; rows outside it (plus a margin) are not rendered. */
const VIEWPORT_PX = 640;
const OVERSCAN_PX = 400;
/** The drawing shrinks with the window down to this scale (CSS min-width), then scrolls sideways. */
const MIN_SCALE = 0.6;

export function LadderView({ columns }: { columns: LadderColumn[] }): JSX.Element | null {
  const layout = useMemo(() => layoutLadder(columns), [columns]);
  // Scroll position in drawing units: the drawing shrinks to the pane's width on narrow windows.
  const [scrollTop, setScrollTop] = useState(0);
  const viewport = useRef<HTMLDivElement>(null);
  const reveal = useApp((s) => s.revealRequest);
  // A message chosen from outside the ladder (evidence link, dialog list) is scrolled to when it is
  // out of sight: once per choice, as soon as its arrow is drawn (a capture's dialog is drawn again
  // when its messages arrive). Arrows added later (a running check) leave the user's scrolling alone.
  const revealed = useRef(0);
  useEffect(() => {
    const el = viewport.current;
    const seq = useApp.getState().selectedSeq;
    const arrow = layout.arrows.find((a) => a.seq === seq);
    if (!reveal || reveal === revealed.current || !el || !arrow) return;
    revealed.current = reveal;
    // The drawing has its final height now (a capture's dialog grows when its messages arrive): the pane to the top of the window.
    el.closest('.ladder-pane')?.scrollIntoView({ block: 'start' });
    const scale = (el.querySelector('svg')?.clientWidth ?? layout.width) / layout.width;
    const y = arrow.y * scale;
    if (y < el.scrollTop || y > el.scrollTop + el.clientHeight) el.scrollTop = Math.max(0, y - el.clientHeight / 2);
  }, [reveal, layout]);
  if (!layout.columns.length) return null;
  const onScroll = (e: UIEvent<HTMLDivElement>): void => {
    const shown = e.currentTarget.querySelector('svg')?.clientWidth;
    setScrollTop(e.currentTarget.scrollTop / (shown ? shown / layout.width : 1));
  };
  // Virtualised: only the arrows near the visible window become DOM (100,000-message captures).
  const visible = { from: scrollTop - OVERSCAN_PX, to: scrollTop + VIEWPORT_PX / MIN_SCALE + OVERSCAN_PX };
  return (
    <div ref={viewport} className="ladder-scroll" style={{ maxHeight: VIEWPORT_PX }} onScroll={onScroll} data-testid="ladder-viewport">
      <LadderSvg layout={layout} visible={visible} />
    </div>
  );
}

/** A lane title in two lines, the name and the address ("Your router" / "(203.0.113.1:5060)"), each cut to fit. */
function LaneTitle({ x, full, max }: { x: number; full: string; max: number }): JSX.Element {
  const cut = full.search(/ [([\d]/);
  const lines = cut > 0 ? [full.slice(0, cut), full.slice(cut + 1)] : [full];
  return (
    <text x={x} y={lines.length > 1 ? 30 : 40} textAnchor="middle" className="lane-title">
      <title>{full}</title>
      {lines.map((l, i) => (
        <tspan key={i} x={x} dy={i ? 12 : 0}>
          {truncate(l, max)}
        </tspan>
      ))}
    </text>
  );
}

/** The drawing itself, from the layout only; `visible` limits the rows rendered (by y). */
export function LadderSvg({ layout, visible }: { layout: LadderLayout; visible?: { from: number; to: number } }): JSX.Element {
  const arrows = visible ? layout.arrows.filter((a) => a.y >= visible.from && a.y <= visible.to) : layout.arrows;
  // One arrow is in the Tab order: the selected one, else the first (arrow keys reach the others).
  const drawnSeqs = new Set(arrows.map((a) => a.seq));
  const firstSelectable = arrows.find((a) => a.seq > 0);
  const columnOf = new Map(layout.columns.map((c, i) => [c.attempt, i]));
  return (
    <svg
      data-testid="ladder"
      className={LADDER_CLASS}
      viewBox={`0 0 ${layout.width} ${layout.height}`}
      width={layout.width}
      height={layout.height}
      style={{ minWidth: layout.width * MIN_SCALE }}
      role="group"
      aria-label="Registration ladder (arrow keys move between messages, Enter opens one)"
    >
      <defs>
        <marker id="arrowhead" markerWidth="8" markerHeight="8" refX="7" refY="4" orient="auto" markerUnits="userSpaceOnUse">
          <path d="M0,0 L8,4 L0,8 z" className="head" />
        </marker>
      </defs>
      {layout.columns.map((c) => (
        <g key={c.attempt}>
          <text x={c.x + c.width / 2} y={16} className="column-title" textAnchor="middle">
            <title>{c.fullHeading}</title>
            {c.heading}
          </text>
          {c.lanes.map((l) => (
            <g key={l.lane}>
              <LaneTitle x={l.x} full={l.fullLabel} max={DEFAULT_LAYOUT.maxLabelChars} />
              <line x1={l.x} x2={l.x} y1={48} y2={layout.height} className={`lane lane-${l.lane}`} />
            </g>
          ))}
        </g>
      ))}
      {arrows.map((a) => (
        <LadderArrow key={`${a.attempt}-${a.seq}`} a={a} column={columnOf.get(a.attempt)} tabStopUnless={a === firstSelectable ? drawnSeqs : undefined} />
      ))}
    </svg>
  );
}
