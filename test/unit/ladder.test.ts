import { describe, expect, it } from 'vitest';
import { toBase64 } from '../../shared/hash/utf8.js';
import { asciiLadder } from '../../shared/ladder/ascii.js';
import { DEFAULT_LAYOUT, layoutLadder, LOST_STOP, truncate } from '../../shared/ladder/layout.js';
import { ladderModel, type LadderColumn } from '../../shared/ladder/model.js';
import type { AttemptResult, CheckResult } from '../../shared/model/results.js';
import type { TraceEvent } from '../../shared/model/trace.js';
import { checkResult } from '../builders.js';

const REG = (branch: string) =>
  `REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.168.1.2:5060;branch=${branch}\r\nCall-ID: c\r\nCSeq: 1 REGISTER\r\n\r\n`;
const RES = (branch: string, status: string) =>
  `SIP/2.0 ${status}\r\nVia: SIP/2.0/UDP 192.168.1.2:5060;branch=${branch};received=203.0.113.1;rport=5060\r\nCall-ID: c\r\nCSeq: 1 REGISTER\r\n\r\n`;

function build(events: Array<[number, 'sent' | 'received', string, number, string?, 'again'?]>): CheckResult {
  const trace: TraceEvent[] = events.map(([attempt, kind, text, t, note, again], i) => ({
    seq: i + 1,
    t,
    attempt,
    kind,
    bytes: toBase64(new TextEncoder().encode(text)),
    ...(note ? { note } : {}),
    ...(again ? { retransmission: true as const } : {}),
  }));
  const attempts: AttemptResult[] = [...new Set(events.map((e) => e[0]))].map((id) => ({
    id,
    label: `attempt ${id}`,
    transport: 'udp',
    target: { host: 'h', address: '192.0.2.10', port: 5060 },
    sourcePortMode: 'ephemeral',
    rport: true,
    outcome: 'registered',
    detail: '',
    durationMs: 1,
    startedAt: 0,
    requestsSent: 1,
    retransmissions: 0,
    responsesFromElsewhere: [],
    localAddress: '192.168.1.2',
    localPort: 5060,
    via: { sentBy: '192.168.1.2:5060', rportRequested: true, received: '203.0.113.1', rport: 5060 },
    traceSeqs: trace.filter((e) => e.attempt === id).map((e) => e.seq),
  }));
  return checkResult({ trace, attempts });
}

describe('ladder model', () => {
  it('one arrow per message, directions, deltas, retransmissions, and the router lane shows the public address', () => {
    const r = build([
      [1, 'sent', REG('b1'), 10],
      [1, 'received', RES('b1', '401 Unauthorized'), 30],
      [1, 'sent', REG('b2'), 31],
      [1, 'sent', REG('b2'), 531, 'REGISTER (retransmission 1)', 'again'],
      [1, 'received', RES('b2', '200 OK'), 560],
    ]);
    const [c] = ladderModel(r);
    expect(c!.lanes.router).toBe('Your router (203.0.113.1:5060)');
    expect(c!.arrows.map((a) => [a.from, a.to, a.label, a.delta, a.retransmission, a.lost])).toEqual([
      ['computer', 'server', 'REGISTER', 0, false, false],
      ['server', 'computer', '401 Unauthorized', 20, false, false],
      ['computer', 'server', 'REGISTER', 1, false, false],
      ['computer', 'server', 'REGISTER', 500, true, false],
      ['server', 'computer', '200 OK', 29, false, false],
    ]);
  });

  it('draws a retransmission from the trace field, never from note text', () => {
    const r = build([
      [1, 'sent', REG('b1'), 0, 'REGISTER (the retransmission test of a port)'],
      [1, 'sent', REG('b1'), 500, 'REGISTER', 'again'],
    ]);
    expect(
      ladderModel(r)[0]!
        .arrows.slice(0, 2)
        .map((a) => a.retransmission),
    ).toEqual([false, true]);
  });

  it('adds the answer that never came, as a lost arrow after the last send', () => {
    const r = build([
      [1, 'sent', REG('b1'), 0],
      [1, 'sent', REG('b1'), 500, 'retransmission 1'],
    ]);
    const arrows = ladderModel(r)[0]!.arrows;
    expect(arrows.at(-1)).toMatchObject({ from: 'server', to: 'computer', lost: true, label: 'no answer to REGISTER', seq: -1 });
  });

  it('an answered call: no lost answer after its ACK, which is never answered (RFC 3261 §17.1.1.3)', () => {
    const call = (method: string, branch: string) => REG(branch).replace(/REGISTER/g, method);
    const r = build([
      [1, 'sent', call('INVITE', 'i1'), 0],
      [1, 'received', RES('i1', '200 OK').replace('1 REGISTER', '1 INVITE'), 40],
      [1, 'sent', call('ACK', 'a1'), 41],
    ]);
    expect(ladderModel(r)[0]!.arrows.map((a) => [a.label, a.lost])).toEqual([
      ['INVITE', false],
      ['200 OK', false],
      ['ACK', false],
    ]);
  });

  it('draws a message that breaks a parsing rule (a second CSeq): it is evidence', () => {
    const twoCSeqs = RES('b1', '200 OK').replace('\r\n\r\n', '\r\nCSeq: 2 REGISTER\r\n\r\n');
    const r = build([
      [1, 'sent', REG('b1'), 0],
      [1, 'received', twoCSeqs, 5],
    ]);
    expect(ladderModel(r)[0]!.arrows.map((a) => [a.label, a.lost])).toEqual([
      ['REGISTER', false],
      ['200 OK', false],
    ]);
  });

  it('annotates the arrows a finding cites, and picks the attempts asked for', () => {
    const r = build([
      [1, 'sent', REG('b1'), 0],
      [2, 'sent', REG('b9'), 0],
      [2, 'received', RES('b9', '200 OK'), 5],
    ]);
    const cols = ladderModel(r, [{ title: 'blocked', evidence: [1] }], [1]);
    expect(cols).toHaveLength(1);
    expect(cols[0]!.arrows[0]!.annotations).toEqual(['blocked']);
  });
});

describe('ladder layout', () => {
  const column = (n: number, attempt = 1, lost = false): LadderColumn => ({
    attempt,
    title: `a${attempt}`,
    outcome: 'registered',
    lanes: { computer: 'This computer', router: 'Your router (a very long public address label here)', server: 'Server' },
    arrows: Array.from({ length: n }, (_, i) => ({
      seq: i + 1,
      from: i % 2 ? 'server' : 'computer',
      to: i % 2 ? 'computer' : 'server',
      label: 'REGISTER',
      t: i * 10,
      delta: i ? 10 : 0,
      retransmission: false,
      lost: lost && i === n - 1,
      refused: false,
      annotations: [],
    })),
  });
  const o = DEFAULT_LAYOUT;

  it('places three lanes per column and one arrow per row, left to right and back', () => {
    const l = layoutLadder([column(3)]);
    const [computer, router, server] = l.columns[0]!.lanes;
    expect([router!.x - computer!.x, server!.x - router!.x]).toEqual([o.laneGap, o.laneGap]);
    expect(l.arrows.map((a) => [a.x1 === computer!.x, a.x2 === server!.x, a.y])).toEqual([
      [true, true, o.headerHeight + o.rowHeight / 2],
      [false, false, o.headerHeight + 1.5 * o.rowHeight],
      [true, true, o.headerHeight + 2.5 * o.rowHeight],
    ]);
    expect(l.arrows[1]!.x1).toBe(server!.x);
    expect(l.arrows.map((a) => a.timeLabel)).toEqual(['0 ms', '+10 ms', '+10 ms']);
    expect(l.height).toBe(o.headerHeight + 3 * o.rowHeight + o.rowHeight / 2);
  });

  it('ends a lost answer just past the router lane', () => {
    const l = layoutLadder([column(2, 1, true)]);
    const router = l.columns[0]!.lanes[1]!.x;
    expect(l.arrows[1]).toMatchObject({ lost: true, x2: router + LOST_STOP });
  });

  it('puts attempts side by side without overlap, rows by the tallest column', () => {
    const l = layoutLadder([column(2, 1), column(5, 2)]);
    const [a, b] = l.columns;
    expect(b!.x).toBeGreaterThanOrEqual(a!.x + a!.width + o.columnGap);
    expect(l.width).toBeGreaterThanOrEqual(b!.x + b!.width);
    expect(l.height).toBe(o.headerHeight + 5 * o.rowHeight + o.rowHeight / 2);
    expect(layoutLadder([])).toEqual({ width: 0, height: o.headerHeight + o.rowHeight / 2, columns: [], arrows: [] });
  });

  it('truncates long labels and keeps the full text', () => {
    const lane = layoutLadder([column(1)]).columns[0]!.lanes[1]!;
    expect(lane.label.length).toBe(o.maxLabelChars);
    expect(lane.label.endsWith('…')).toBe(true);
    expect(lane.fullLabel).toBe('Your router (a very long public address label here)');
    expect(truncate('short', 28)).toBe('short');
  });

  it('cuts a long column heading from its title and keeps the outcome whole', () => {
    const title = 'OPTIONS from 203.0.113.45:5060 (Call-ID 0123456789abcdef)';
    const [long, short] = layoutLadder([{ ...column(1), title, outcome: 'challenged-no-answer' }, column(1, 2)]).columns;
    expect(long!.heading).toHaveLength(o.maxHeadingChars);
    expect(long!.heading).toMatch(/^OPTIONS from 203\.0\.113\.45:5060 \(C.*… — challenged-no-answer$/);
    expect(long!.fullHeading).toBe(`${title} — challenged-no-answer`);
    expect(short!.heading).toBe('a2 — registered');
  });
});

describe('ASCII ladder', () => {
  it('shows directions, the lost answer as x at the router, and annotations', () => {
    const r = build([
      [1, 'sent', REG('b1'), 0],
      [1, 'sent', REG('b1'), 500, 'retransmission 1', 'again'],
    ]);
    const text = asciiLadder(ladderModel(r, [{ title: 'inbound UDP 5060 dropped', evidence: [1] }])[0]!);
    const lines = text.split('\n');
    expect(lines[3]).toMatch(/^\|-- REGISTER -+>\| 0 ms {2}← inbound UDP 5060 dropped$/);
    expect(lines[4]).toMatch(/REGISTER \(again\) -+>\| \+500 ms$/);
    expect(lines[5]).toMatch(/^\| {31}x< no answer to REGISTER -+\|/);
  });
});
