// One ladder stylesheet: the exported SVG carries it verbatim, and the app's drawing and the
// export put the same class names on the same things, so the one set of rules styles both.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { layoutLadder, type LadderLayout } from '../../shared/ladder/layout.js';
import type { LadderColumn } from '../../shared/ladder/model.js';
import { LADDER_CLASS, LADDER_CSS } from '../../shared/ladder/style.js';
import { ladderSvg } from '../../shared/ladder/svg.js';
import { LadderSvg } from '../../renderer/src/components/LadderView.js';

/** One column with every kind of arrow: plain, retransmitted, cited by a finding, refused and lost. */
function everyKind(): LadderLayout {
  const arrow = (seq: number, over: Partial<LadderColumn['arrows'][number]> = {}): LadderColumn['arrows'][number] => ({
    seq,
    from: 'computer',
    to: 'server',
    label: 'REGISTER',
    t: seq * 10,
    delta: 10,
    retransmission: false,
    lost: false,
    refused: false,
    annotations: [],
    ...over,
  });
  const lanes = { computer: 'This computer 192.168.1.2:5060', router: 'Your router (203.0.113.1:5060)', server: 'Server 192.0.2.10:5060' };
  return layoutLadder([
    {
      attempt: 1,
      title: 'UDP',
      outcome: 'no-response',
      lanes,
      arrows: [arrow(1), arrow(2, { retransmission: true, annotations: ['blocked'] }), arrow(-1, { from: 'server', to: 'computer', lost: true })],
    },
    { attempt: 2, title: 'TCP', outcome: 'refused', lanes, arrows: [arrow(3), arrow(-2, { from: 'server', to: 'computer', refused: true })] },
  ]);
}

/** Distinct class attribute values of a markup text (`class` in SVG, `className` rendered by React as `class`). */
const classValues = (markup: string): string[] => [...new Set([...markup.matchAll(/ class="([^"]*)"/g)].map((m) => m[1]!))].sort();

describe('the ladder stylesheet', () => {
  it('is carried verbatim by the exported SVG, on a root of the ladder class', () => {
    const svg = ladderSvg(everyKind());
    expect(svg.match(/<style><!\[CDATA\[\n([\s\S]*?)\n\]\]><\/style>/)?.[1]).toBe(LADDER_CSS);
    expect(svg).toMatch(new RegExp(`^<svg [^>]*class="${LADDER_CLASS}"`));
    // Nothing is styled in place any more: the stylesheet is the one source of colours and dashes.
    expect(svg).not.toMatch(/ (stroke|fill|stroke-dasharray|font-size|font-family)=/);
  });

  it('styles the app and the export through the same class names', () => {
    const layout = everyKind();
    const app = renderToStaticMarkup(createElement(LadderSvg, { layout }));
    const exported = ladderSvg(layout);
    expect(classValues(app)).toEqual(classValues(exported));
    expect(classValues(exported)).toEqual(
      expect.arrayContaining(['arrow lost', 'arrow refused', 'arrow retransmission annotated', 'cross', 'refusal', 'time', 'lane lane-router', 'head']),
    );
    // Every class the drawings use for their look has a rule (the per-lane classes but the router's are hooks only).
    const styled = classValues(exported)
      .flatMap((v) => v.split(' '))
      .filter((c) => !/^lane-(computer|server)$/.test(c));
    for (const c of new Set(styled)) expect(LADDER_CSS, c).toContain(`.${c}`);
  });
});
