// The path probes' headline figures of two runs, row by row, for the comparison view: the numbers
// that move when a router or a provider changes something.
import type { CheckResult } from '../model/results.js';

export interface FigureRow {
  probe: 'fragmentation' | 'stun' | 'alg' | 'inbound';
  name: string;
  before?: string;
  after?: string;
  changed: boolean;
}

type Probes = NonNullable<CheckResult['pathProbes']>;
type Figures = Array<[probe: FigureRow['probe'], name: string, value: string]>;

const bytes = (n: number | undefined): string => (n === undefined ? 'none' : `${n} bytes`);
const yesNo = (b: boolean | undefined): string => (b === undefined ? 'unknown' : b ? 'yes' : 'no');

function figuresOf(p: Probes | undefined): Figures {
  const rows: Figures = [];
  if (p?.fragmentation) {
    rows.push(['fragmentation', 'outcome', p.fragmentation.outcome]);
    for (const s of p.fragmentation.series) {
      rows.push(['fragmentation', `${s.transport.toUpperCase()} ${s.mode}: largest delivered`, bytes(s.largestDelivered)]);
      rows.push(['fragmentation', `${s.transport.toUpperCase()} ${s.mode}: smallest lost`, bytes(s.smallestLost)]);
    }
  }
  if (p?.stun) {
    const s = p.stun;
    rows.push(['stun', 'outcome', s.outcome], ['stun', 'mapping', s.mapping ?? 'unknown'], ['stun', 'filtering', s.filtering ?? 'unknown']);
    rows.push(['stun', 'hairpinning', yesNo(s.hairpinning)], ['stun', 'public address', s.mapped ? `${s.mapped.address}:${s.mapped.port}` : 'unknown']);
    for (const pp of s.portPreservation) rows.push(['stun', `local port ${pp.localPort} kept`, yesNo(pp.preserved)]);
    if (s.bindingLifetime?.recommendation) rows.push(['stun', 'keep-alive every', `${s.bindingLifetime.recommendation.seconds} s`]);
  }
  if (p?.alg) {
    rows.push(['alg', 'outcome', p.alg.outcome]);
    for (const c of p.alg.checks)
      rows.push(['alg', `${c.transport.toUpperCase()} ${c.port}`, `${c.outcome}${c.differences.length ? ` (${c.differences.length} differences)` : ''}`]);
  }
  if (p?.inbound) {
    rows.push(['inbound', 'outcome', p.inbound.outcome]);
    for (const c of p.inbound.checks) {
      rows.push(
        ['inbound', `answer to local port ${c.localPort}`, yesNo(c.responseReceived)],
        ['inbound', `knock to local port ${c.localPort}`, yesNo(c.knockReceived)],
      );
    }
  }
  return rows;
}

export function pathProbeFigures(before: CheckResult, after: CheckResult): FigureRow[] {
  const rows = new Map<string, FigureRow>();
  const put =
    (side: 'before' | 'after') =>
    ([probe, name, value]: Figures[number]): void => {
      const key = `${probe}|${name}`;
      const row = rows.get(key) ?? { probe, name, changed: false };
      row[side] = value;
      rows.set(key, row);
    };
  figuresOf(before.pathProbes).forEach(put('before'));
  figuresOf(after.pathProbes).forEach(put('after'));
  return [...rows.values()].map((r) => ({ ...r, changed: r.before !== r.after }));
}
