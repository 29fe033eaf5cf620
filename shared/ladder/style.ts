// The one stylesheet of the ladder drawing: the app adopts it (renderer/src/main.tsx) and every
// exported ladder.svg carries it in a <style> element, so both look the same and a change of look
// is made once. Rules are scoped to the drawing's root (class "ladder"); the class names are the
// ones LadderSvg (renderer) and ladderSvg (export) put on lanes, arrows and labels.

/** Root class of every ladder drawing, in the app and in exported SVG. */
export const LADDER_CLASS = 'ladder';

const LOST = '#b91c1c';
const REFUSED = '#c2410c';
const INK = '#111827';

export const LADDER_CSS = `
.ladder { font-family: system-ui, sans-serif; font-size: 12px; }
.ladder .lane { stroke: #9ca3af; stroke-width: 1; }
.ladder .lane-router { stroke-dasharray: 4 4; }
.ladder .column-title { font-weight: 600; font-size: 13px; }
.ladder .lane-title { font-size: 11px; fill: #374151; }
.ladder .arrow line { stroke: ${INK}; stroke-width: 1.6; }
.ladder .arrow .time { fill: #6b7280; font-size: 11px; }
.ladder .arrow.retransmission line { stroke-dasharray: 6 3; }
.ladder .arrow.lost line { stroke: ${LOST}; stroke-dasharray: 2 3; }
.ladder .arrow.lost text, .ladder .cross { fill: ${LOST}; }
.ladder .arrow.refused line { stroke: ${REFUSED}; stroke-dasharray: 10 3 2 3; }
.ladder .arrow.refused text, .ladder .refusal { fill: ${REFUSED}; }
.ladder .arrow.annotated line { stroke-width: 2.6; }
.ladder .arrow.selected line { stroke: #1d4ed8; stroke-width: 3; }
.ladder .arrow:focus { outline: none; }
.ladder .arrow:focus line { stroke: #f59e0b; stroke-width: 4; }
.ladder .head { fill: ${INK}; }
`.trim();

/** Class attribute of an arrow's group: what it is (lost, refused, a retransmission, cited by a finding). */
export function arrowClass(a: { lost: boolean; refused: boolean; retransmission: boolean; annotations: string[] }, selected = false): string {
  return `arrow${a.lost ? ' lost' : ''}${a.refused ? ' refused' : ''}${a.retransmission ? ' retransmission' : ''}${selected ? ' selected' : ''}${a.annotations.length ? ' annotated' : ''}`;
}
