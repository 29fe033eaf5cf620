import type { JSX } from 'react';
// The registration ladder: the pure layout drawn as SVG. Arrows are keyboard-focusable; Enter or a
// click shows the raw message, arrow keys move between arrows. Lost answers end in a cross, refusals
// (ICMP port unreachable) in ⊘; retransmissions are dashed; ⚑ marks arrows a finding cites.
import { useMemo, useState, type KeyboardEvent, type UIEvent } from 'react';
import { DEFAULT_LAYOUT, layoutLadder, truncate, type LadderLayout } from '../../../shared/ladder/layout.js';
import { ladderModel } from '../../../shared/ladder/model.js';
import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../store.js';

/** Height of the scrolling ladder viewport; rows outside it (plus a margin) are not rendered. */
const VIEWPORT_PX = 640;
const OVERSCAN_PX = 400;
/** The drawing shrinks with the window down to this scale (CSS min-width), then scrolls sideways. */
const MIN_SCALE = 0.6;

export function LadderView({ attempts }: { attempts: number[] }): JSX.Element | null {
  const { result, diagnosis, selectedSeq, selectArrow } = useApp(useShallow((s) => ({ result: s.result, diagnosis: s.diagnosis, selectedSeq: s.selectedSeq, selectArrow: s.selectArrow })));
  const layout = useMemo(() => (result ? layoutLadder(ladderModel(result, diagnosis?.findings ?? [], attempts)) : null), [result, diagnosis, attempts]);
  // Scroll position in drawing units: the drawing shrinks to the pane's width on narrow windows.
  const [scrollTop, setScrollTop] = useState(0);
  if (!layout) return null;
  const onScroll = (e: UIEvent<HTMLDivElement>): void => {
    const shown = e.currentTarget.querySelector('svg')?.clientWidth;
    setScrollTop(e.currentTarget.scrollTop / (shown ? shown / layout.width : 1));
  };
  // Virtualised: only the arrows near the visible window become DOM (100,000-message captures).
  const visible = { from: scrollTop - OVERSCAN_PX, to: scrollTop + VIEWPORT_PX / MIN_SCALE + OVERSCAN_PX };
  return (
    <div className="ladder-scroll" style={{ maxHeight: VIEWPORT_PX }} onScroll={onScroll} data-testid="ladder-viewport">
      <LadderSvg layout={layout} selectedSeq={selectedSeq} onSelect={selectArrow} visible={visible} />
    </div>
  );
}

/** The drawing itself, from props only; `visible` limits the rows rendered (by y). */
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

/** A lane title in two lines, the name and the address ("Your router" / "(203.0.113.1:5060)"), each cut to fit. */
function LaneTitle({ x, full, max }: { x: number; full: string; max: number }): JSX.Element {
  const cut = full.search(/ [([\d]/);
  const lines = cut > 0 ? [full.slice(0, cut), full.slice(cut + 1)] : [full];
  return (
    <text x={x} y={lines.length > 1 ? 30 : 40} textAnchor="middle" className="lane-title"><title>{full}</title>
      {lines.map((l, i) => <tspan key={i} x={x} dy={i ? 12 : 0}>{truncate(l, max)}</tspan>)}
    </text>
  );
}

export function LadderSvg({ layout, selectedSeq, onSelect, visible }: { layout: LadderLayout; selectedSeq: number | null; onSelect(seq: number): void; visible?: { from: number; to: number } }): JSX.Element {
  const arrows = visible ? layout.arrows.filter((a) => a.y >= visible.from && a.y <= visible.to) : layout.arrows;
  // One arrow is in the Tab order (the selected one, else the first); arrow keys reach the others.
  const tabSeq = arrows.some((a) => a.seq === selectedSeq) ? selectedSeq : arrows.find((a) => a.seq > 0)?.seq;
  const columnOf = new Map(layout.columns.map((c, i) => [c.attempt, i]));
  return (
    <>
      <svg data-testid="ladder" viewBox={`0 0 ${layout.width} ${layout.height}`} width={layout.width} height={layout.height} style={{ minWidth: layout.width * MIN_SCALE }} role="group" aria-label="Registration ladder (arrow keys move between messages, Enter opens one)">
        <defs>
          <marker id="arrowhead" markerWidth="8" markerHeight="8" refX="7" refY="4" orient="auto" markerUnits="userSpaceOnUse"><path d="M0,0 L8,4 L0,8 z" className="head" /></marker>
        </defs>
        {layout.columns.map((c) => (
          <g key={c.attempt}>
            <text x={c.x + c.width / 2} y={16} className="column-title" textAnchor="middle">{c.title} — {c.outcome}</text>
            {c.lanes.map((l) => (
              <g key={l.lane}>
                <LaneTitle x={l.x} full={l.fullLabel} max={DEFAULT_LAYOUT.maxLabelChars} />
                <line x1={l.x} x2={l.x} y1={48} y2={layout.height} className={`lane lane-${l.lane}`} />
              </g>
            ))}
          </g>
        ))}
        {arrows.map((a) => {
          const selected = a.seq === selectedSeq;
          const cls = `arrow${a.lost ? ' lost' : ''}${a.refused ? ' refused' : ''}${a.retransmission ? ' retransmission' : ''}${selected ? ' selected' : ''}${a.annotations.length ? ' annotated' : ''}`;
          const select = (): void => { if (a.seq > 0) onSelect(a.seq); };
          return (
            <g key={`${a.attempt}-${a.seq}`} className={cls} data-testid={`ladder-arrow-${a.seq}`} data-column={columnOf.get(a.attempt)} data-y={a.y} tabIndex={a.seq === tabSeq ? 0 : a.seq > 0 ? -1 : undefined} role={a.seq > 0 ? 'button' : 'img'}
              aria-label={`${a.fullLabel}${a.retransmission ? ' (retransmission)' : ''}, ${a.timeLabel}${a.annotations.length ? `; cited by: ${a.annotations.join('; ')}` : ''}`}
              onClick={select} onKeyDown={(e) => { if (e.key === 'Enter' || e.key === ' ') select(); else moveFocus(e); }}>
              <line x1={a.x1} x2={a.x2} y1={a.y} y2={a.y} markerEnd={a.lost || a.refused ? undefined : 'url(#arrowhead)'} />
              {a.lost && <text x={a.x2} y={a.y + 5} textAnchor="middle" className="cross">✕</text>}
              {a.refused && <text x={a.x2 + 8} y={a.y + 5} textAnchor="middle" className="refusal">⊘</text>}
              <text x={a.labelX} y={a.y - 6} textAnchor="middle"><title>{a.fullLabel}</title>{a.label}{a.retransmission ? ' ↻' : ''}</text>
              <text x={Math.max(a.x1, a.x2) + 8} y={a.y + 4} className="time">{a.timeLabel}{a.annotations.length ? ' ⚑' : ''}</text>
            </g>
          );
        })}
      </svg>
    </>
  );
}
