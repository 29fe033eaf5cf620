import type { JSX } from 'react';
// The registration ladder: the pure layout drawn as SVG. Arrows are keyboard-focusable; Enter or a
// click shows the raw message. Lost answers end in a cross; retransmissions are dashed.
import { useMemo, useState } from 'react';
import { layoutLadder, type LadderLayout } from '../../../shared/ladder/layout.js';
import { ladderModel } from '../../../shared/ladder/model.js';
import { useApp } from '../store.js';

/** Height of the scrolling ladder viewport; rows outside it (plus a margin) are not rendered. */
const VIEWPORT_PX = 640;
const OVERSCAN_PX = 400;

export function LadderView({ attempts }: { attempts: number[] }): JSX.Element | null {
  const { result, diagnosis, selectedSeq, set } = useApp();
  const layout = useMemo(() => (result ? layoutLadder(ladderModel(result, diagnosis?.findings ?? [], attempts)) : null), [result, diagnosis, attempts]);
  const [scrollTop, setScrollTop] = useState(0);
  if (!layout) return null;
  // Virtualised: only the arrows near the visible window become DOM (100,000-message captures).
  const visible = { from: scrollTop - OVERSCAN_PX, to: scrollTop + VIEWPORT_PX + OVERSCAN_PX };
  return (
    <div className="ladder-scroll" style={{ maxHeight: VIEWPORT_PX }} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)} data-testid="ladder-viewport">
      <LadderSvg layout={layout} selectedSeq={selectedSeq} onSelect={(seq) => set({ selectedSeq: seq })} visible={visible} />
    </div>
  );
}

/** The drawing itself, from props only; `visible` limits the rows rendered (by y). */
export function LadderSvg({ layout, selectedSeq, onSelect, visible }: { layout: LadderLayout; selectedSeq: number | null; onSelect(seq: number): void; visible?: { from: number; to: number } }): JSX.Element {
  const arrows = visible ? layout.arrows.filter((a) => a.y >= visible.from && a.y <= visible.to) : layout.arrows;
  return (
    <>
      <svg data-testid="ladder" width={layout.width} height={layout.height} role="group" aria-label="Registration ladder">
        <defs>
          <marker id="arrowhead" markerWidth="8" markerHeight="8" refX="7" refY="4" orient="auto" markerUnits="userSpaceOnUse"><path d="M0,0 L8,4 L0,8 z" className="head" /></marker>
        </defs>
        {layout.columns.map((c) => (
          <g key={c.attempt}>
            <text x={c.x + c.width / 2} y={16} className="column-title" textAnchor="middle">{c.title} — {c.outcome}</text>
            {c.lanes.map((l) => (
              <g key={l.lane}>
                <text x={l.x} y={40} textAnchor="middle" className="lane-title"><title>{l.fullLabel}</title>{l.label}</text>
                <line x1={l.x} x2={l.x} y1={48} y2={layout.height} className={`lane lane-${l.lane}`} />
              </g>
            ))}
          </g>
        ))}
        {arrows.map((a) => {
          const selected = a.seq === selectedSeq;
          const cls = `arrow${a.lost ? ' lost' : ''}${a.retransmission ? ' retransmission' : ''}${selected ? ' selected' : ''}${a.annotations.length ? ' annotated' : ''}`;
          const select = (): void => { if (a.seq > 0) onSelect(a.seq); };
          return (
            <g key={`${a.attempt}-${a.seq}`} className={cls} data-testid={`ladder-arrow-${a.seq}`} tabIndex={a.seq > 0 ? 0 : -1} role={a.seq > 0 ? 'button' : 'img'}
              aria-label={`${a.fullLabel}${a.lost ? ' (never arrived)' : ''}${a.retransmission ? ' (retransmission)' : ''}, ${a.timeLabel}${a.annotations.length ? `; ${a.annotations.join('; ')}` : ''}`}
              onClick={select} onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && select()}>
              <line x1={a.x1} x2={a.x2} y1={a.y} y2={a.y} markerEnd={a.lost ? undefined : 'url(#arrowhead)'} />
              {a.lost && <text x={a.x2} y={a.y + 5} textAnchor="middle" className="cross">✕</text>}
              <text x={a.labelX} y={a.y - 6} textAnchor="middle"><title>{a.fullLabel}</title>{a.label}{a.retransmission ? ' ↻' : ''}</text>
              <text x={Math.max(a.x1, a.x2) + 8} y={a.y + 4} className="time">{a.timeLabel}{a.annotations.length ? ' ⚑' : ''}</text>
            </g>
          );
        })}
      </svg>
    </>
  );
}
