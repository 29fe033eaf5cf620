// Pure geometry for the ladder view: lane positions, one row per arrow, truncated labels, lost
// answers ending in a cross at the router lane, attempts side by side. The SVG view only draws it.
import type { Lane, LadderColumn } from './model.js';

export interface LayoutOptions {
  /** Distance between neighbouring lanes. */
  laneGap: number;
  rowHeight: number;
  /** Space between attempt columns; also holds the time labels right of the server lane. */
  columnGap: number;
  headerHeight: number;
  /** Labels longer than this many characters are cut with an ellipsis (the full text is kept). */
  maxLabelChars: number;
  /** A column's heading ("title — outcome") is cut to this many characters, its title first, so it fits above the column. */
  maxHeadingChars: number;
}

export const DEFAULT_LAYOUT: LayoutOptions = { laneGap: 170, rowHeight: 34, columnGap: 160, headerHeight: 64, maxLabelChars: 24, maxHeadingChars: 60 };

export interface LaidOutArrow {
  seq: number;
  attempt: number;
  x1: number;
  x2: number;
  y: number;
  label: string;
  fullLabel: string;
  labelX: number;
  /** "+500 ms" style time since the previous arrow ("never arrived" for a lost answer). */
  timeLabel: string;
  lost: boolean;
  refused: boolean;
  retransmission: boolean;
  annotations: string[];
}

export interface LaidOutColumn {
  attempt: number;
  /** "title — outcome", cut to fit: the title gives way, the outcome is always whole. */
  heading: string;
  fullHeading: string;
  x: number;
  width: number;
  lanes: Array<{ lane: Lane; x: number; label: string; fullLabel: string }>;
}

export interface LadderLayout {
  width: number;
  height: number;
  columns: LaidOutColumn[];
  arrows: LaidOutArrow[];
}

const LANES: Lane[] = ['computer', 'router', 'server'];
/** A lost answer stops this far short of the router lane, where its cross is drawn. */
export const LOST_STOP = 12;

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}

/** Run time of the first arrow, then the gap to the previous one; a lost answer has no time at all. */
function timeLabel(a: LadderColumn['arrows'][number], row: number): string {
  if (a.lost) return 'never arrived';
  if (a.refused) return `${Math.round(a.delta)} ms after the request`;
  return row === 0 ? `${Math.round(a.t)} ms` : `+${Math.round(a.delta)} ms`;
}

export function layoutLadder(columns: LadderColumn[], o: LayoutOptions = DEFAULT_LAYOUT): LadderLayout {
  const columnWidth = o.laneGap * 2;
  const out: LadderLayout = { width: 0, height: 0, columns: [], arrows: [] };
  let rows = 0;
  columns.forEach((c, i) => {
    // Half a lane gap on the left keeps the first lane's centred title inside the picture.
    const x = i * (columnWidth + o.columnGap) + o.laneGap / 2;
    const laneX = (lane: Lane): number => x + LANES.indexOf(lane) * o.laneGap;
    out.columns.push({
      attempt: c.attempt,
      heading: `${truncate(c.title, Math.max(8, o.maxHeadingChars - c.outcome.length - 3))} — ${c.outcome}`,
      fullHeading: `${c.title} — ${c.outcome}`,
      x,
      width: columnWidth,
      lanes: LANES.map((lane) => ({ lane, x: laneX(lane), label: truncate(c.lanes[lane], o.maxLabelChars), fullLabel: c.lanes[lane] })),
    });
    c.arrows.forEach((a, row) => {
      const x1 = laneX(a.from);
      // A lost answer never got past the router: stop before the router lane and draw a cross there.
      const x2 = a.lost ? laneX('router') + (a.from === 'server' ? LOST_STOP : -LOST_STOP) : laneX(a.to);
      out.arrows.push({
        seq: a.seq,
        attempt: c.attempt,
        x1,
        x2,
        y: o.headerHeight + row * o.rowHeight + o.rowHeight / 2,
        label: truncate(a.label, o.maxLabelChars),
        fullLabel: a.label,
        labelX: (x1 + x2) / 2,
        timeLabel: timeLabel(a, row),
        lost: a.lost,
        refused: a.refused,
        retransmission: a.retransmission,
        annotations: a.annotations,
      });
    });
    rows = Math.max(rows, c.arrows.length);
  });
  out.width = columns.length ? columns.length * (columnWidth + o.columnGap) + o.laneGap / 2 : 0;
  out.height = o.headerHeight + rows * o.rowHeight + o.rowHeight / 2;
  return out;
}
