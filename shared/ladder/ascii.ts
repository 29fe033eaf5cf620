// The ladder as plain text: the keyboard- and screen-reader-friendly alternative, and the one in
// terminals and bundles. Lost answers end in "x" at the router; a refusal (ICMP, RST) is "~" ending in "!".
import type { LadderColumn } from './model.js';

const WIDTH = 64;

export function asciiLadder(c: LadderColumn): string {
  const router = Math.floor(WIDTH / 2);
  const head = `${c.lanes.computer}`.padEnd(router) + c.lanes.router;
  const lines = [`${c.title} — ${c.outcome}`, head, `${' '.repeat(0)}${c.lanes.server.padStart(WIDTH + 2)}`];
  for (const a of c.arrows) {
    const label = ` ${a.label}${a.retransmission ? ' (again)' : ''} `;
    let body: string;
    if (a.lost) body = '|' + ' '.repeat(router - 1) + 'x<' + `${label}`.padEnd(WIDTH - router - 3, '-') + '|';
    else if (a.refused) body = '|!<' + `${label}`.padStart(WIDTH - 3, '~') + '|';
    else if (a.from === 'computer') body = '|' + `--${label}`.padEnd(WIDTH - 2, '-') + '>|';
    else body = '|<' + `${label}`.padStart(WIDTH - 2, '-') + '|';
    const time = a.lost ? '' : a.refused ? `+${Math.round(a.delta)} ms` : `${a.delta ? `+${Math.round(a.delta)}` : Math.round(a.t)} ms`;
    lines.push(`${body} ${time}${a.annotations.length ? `  ← ${a.annotations.join('; ')}` : ''}`);
  }
  return lines.join('\n');
}
