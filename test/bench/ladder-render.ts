// Ladder cost on a 1,000-message trace: model + layout (pure), and rendering the SVG view to markup
// with React (no browser paint: the part our code controls).
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { layoutLadder } from '../../shared/ladder/layout.js';
import { ladderModel } from '../../shared/ladder/model.js';
import { toBase64 } from '../../shared/hash/utf8.js';
import type { CheckResult } from '../../shared/model/results.js';
import type { TraceEvent } from '../../shared/model/trace.js';
import { LadderSvg } from '../../renderer/src/components/LadderView.js';
import { attemptResult, checkResult } from '../builders.js';

export function syntheticResult(messages: number): CheckResult {
  const trace: TraceEvent[] = [];
  for (let i = 0; i < messages; i++) {
    const branch = `z9hG4bK${Math.floor(i / 2)}`;
    const text =
      i % 2 === 0
        ? `REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.168.1.2:5060;branch=${branch};rport\r\nCall-ID: c\r\nCSeq: ${i} REGISTER\r\nContent-Length: 0\r\n\r\n`
        : `SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 192.168.1.2:5060;branch=${branch};received=203.0.113.1;rport=5060\r\nCall-ID: c\r\nCSeq: ${i - 1} REGISTER\r\nContent-Length: 0\r\n\r\n`;
    trace.push({ seq: i + 1, t: i * 5, attempt: 1, kind: i % 2 === 0 ? 'sent' : 'received', bytes: toBase64(new TextEncoder().encode(text)) });
  }
  return checkResult({
    trace,
    account: { server: 'h', domain: 'h', user: 'u', authUser: 'u', transports: ['udp'], passwordGiven: true },
    attempts: [
      attemptResult({
        id: 1,
        label: 'UDP',
        target: { host: 'h', address: '192.0.2.1', port: 5060 },
        durationMs: 0,
        requestsSent: 0,
        traceSeqs: trace.map((e) => e.seq),
      }),
    ],
  });
}

export function benchLadder(messages = 1000, runs = 5): { modelLayoutMs: number; renderMs: number; arrows: number } {
  const result = syntheticResult(messages);
  const times = { model: [] as number[], render: [] as number[] };
  let arrows = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const layout = layoutLadder(ladderModel(result, [], [1]));
    times.model.push(performance.now() - t0);
    arrows = layout.arrows.length;
    const t1 = performance.now();
    const html = renderToString(createElement(LadderSvg, { layout }));
    times.render.push(performance.now() - t1);
    if ((html.match(/data-testid="ladder-arrow-/g) ?? []).length !== arrows) throw new Error('render incomplete');
  }
  const median = (xs: number[]): number => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return { modelLayoutMs: median(times.model), renderMs: median(times.render), arrows };
}
