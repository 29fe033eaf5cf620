// The ladder as a standalone SVG document (for bundles), from the same pure layout as the app and
// styled by the same stylesheet (style.ts), carried inside the document.
import type { LadderLayout } from './layout.js';
import { arrowClass, LADDER_CLASS, LADDER_CSS } from './style.js';

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function ladderSvg(l: LadderLayout): string {
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="${LADDER_CLASS}" width="${l.width}" height="${l.height}" viewBox="0 0 ${l.width} ${l.height}">`,
    `<style><![CDATA[\n${LADDER_CSS}\n]]></style>`,
    '<defs><marker id="arrowhead" markerWidth="8" markerHeight="8" refX="7" refY="4" orient="auto" markerUnits="userSpaceOnUse"><path d="M0,0 L8,4 L0,8 z" class="head"/></marker></defs>',
  ];
  for (const c of l.columns) {
    parts.push(`<text x="${c.x + c.width / 2}" y="16" text-anchor="middle" class="column-title"><title>${esc(c.fullHeading)}</title>${esc(c.heading)}</text>`);
    for (const lane of c.lanes) {
      parts.push(
        `<text x="${lane.x}" y="40" text-anchor="middle" class="lane-title"><title>${esc(lane.fullLabel)}</title>${esc(lane.label)}</text>`,
        `<line x1="${lane.x}" x2="${lane.x}" y1="48" y2="${l.height}" class="lane lane-${lane.lane}"/>`,
      );
    }
  }
  for (const a of l.arrows) {
    parts.push(
      `<g class="${arrowClass(a)}"><line x1="${a.x1}" x2="${a.x2}" y1="${a.y}" y2="${a.y}"${a.lost || a.refused ? '' : ' marker-end="url(#arrowhead)"'}/>`,
      a.refused ? `<text x="${a.x2 + 8}" y="${a.y + 5}" text-anchor="middle" class="refusal">⊘</text>` : '',
      a.lost ? `<text x="${a.x2}" y="${a.y + 5}" text-anchor="middle" class="cross">✕</text>` : '',
      `<text x="${a.labelX}" y="${a.y - 6}" text-anchor="middle">${esc(a.label)}${a.retransmission ? ' ↻' : ''}</text>`,
      `<text x="${Math.max(a.x1, a.x2) + 8}" y="${a.y + 4}" class="time">${esc(a.timeLabel)}${a.annotations.length ? ` ⚑ ${esc(a.annotations.join('; '))}` : ''}</text></g>`,
    );
  }
  parts.push('</svg>');
  return parts.join('\n');
}
