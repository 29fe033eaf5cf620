// The ladder as a standalone SVG document (for bundles), from the same pure layout as the app.
import type { LadderLayout } from './layout.js';

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function ladderSvg(l: LadderLayout): string {
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${l.width}" height="${l.height}" font-family="sans-serif" font-size="12">`,
    '<defs><marker id="h" markerWidth="8" markerHeight="8" refX="7" refY="4" orient="auto" markerUnits="userSpaceOnUse"><path d="M0,0 L8,4 L0,8 z"/></marker></defs>'];
  for (const c of l.columns) {
    parts.push(`<text x="${c.x + c.width / 2}" y="16" text-anchor="middle" font-weight="bold">${esc(c.title)} — ${esc(c.outcome)}</text>`);
    for (const lane of c.lanes) {
      parts.push(`<text x="${lane.x}" y="40" text-anchor="middle" font-size="11"><title>${esc(lane.fullLabel)}</title>${esc(lane.label)}</text>`,
        `<line x1="${lane.x}" x2="${lane.x}" y1="48" y2="${l.height}" stroke="#9ca3af"${lane.lane === 'router' ? ' stroke-dasharray="4 4"' : ''}/>`);
    }
  }
  for (const a of l.arrows) {
    const colour = a.lost ? '#b91c1c' : a.refused ? '#c2410c' : '#111827';
    const style = a.lost ? ' stroke-dasharray="2 3"' : a.refused ? ' stroke-dasharray="10 3 2 3"' : a.retransmission ? ' stroke-dasharray="6 3"' : ' marker-end="url(#h)"';
    parts.push(`<g><line x1="${a.x1}" x2="${a.x2}" y1="${a.y}" y2="${a.y}" stroke="${colour}" stroke-width="1.6"${style}/>`,
      a.refused ? `<text x="${a.x2 + 8}" y="${a.y + 5}" text-anchor="middle" fill="${colour}">⊘</text>` : '',
      a.lost ? `<text x="${a.x2}" y="${a.y + 5}" text-anchor="middle" fill="${colour}">✕</text>` : '',
      `<text x="${a.labelX}" y="${a.y - 6}" text-anchor="middle" fill="${colour}">${esc(a.label)}${a.retransmission ? ' ↻' : ''}</text>`,
      `<text x="${Math.max(a.x1, a.x2) + 8}" y="${a.y + 4}" font-size="11" fill="#6b7280">${esc(a.timeLabel)}${a.annotations.length ? ` ⚑ ${esc(a.annotations.join('; '))}` : ''}</text></g>`);
  }
  parts.push('</svg>');
  return parts.join('\n');
}
