// Comparing two runs (shared/history/compare.ts): attempts by kind, findings appeared/gone, path-probe figures.
import { describe, expect, it } from 'vitest';
import { compareRuns } from '../../shared/history/compare.js';
import { comparisonText } from '../../shared/history/compare-text.js';
import type { FragmentationResult } from '../../shared/model/path-results.js';
import { runResult, seed000Run } from '../fixtures/history-results.js';

const fragmentation = (largest: number, lost?: number): FragmentationResult => ({
  target: { host: 'sip.example.com', address: '192.0.2.10', port: 5060 },
  outcome: 'ok',
  detail: '',
  skipped: [],
  durationMs: 1,
  traceSeqs: [],
  series: [{ transport: 'udp', mode: 'echo', points: [], largestDelivered: largest, ...(lost !== undefined ? { smallestLost: lost } : {}) }],
});

describe('compare two runs', () => {
  it('before/after a router change: the port-5060 attempt changed, the seed-000 finding appeared, the rest the same', () => {
    const before = seed000Run('2026-11-22T14:00:00.000Z', true);
    const after = seed000Run('2026-11-22T15:00:00.000Z', false);
    const c = compareRuns(before, after);
    expect(c.attempts.map((a) => [a.label, a.beforeWords, a.afterWords, a.changed])).toEqual([
      ['UDP from port 5060', 'registered', 'no answer', true],
      ['UDP from an ephemeral port', 'registered', 'registered', false],
      ['TCP', 'registered', 'registered', false],
    ]);
    expect(c.findings.appeared.map((f) => f.id)).toEqual(['inbound-udp-5060-dropped']);
    expect(c.findings.gone).toEqual([]);
    expect(c.before.verdict).toMatch(/^Registration works/);
    expect(c.after.verdict).toMatch(/^UDP from port 5060 fails/);
    // The other way round the finding went away.
    expect(compareRuns(after, before).findings.gone.map((f) => f.id)).toEqual(['inbound-udp-5060-dropped']);
  });

  it('attempts only one run tried are listed with the other side empty', () => {
    const c = compareRuns(runResult('a', [{ label: 'UDP', answerMs: 4 }]), runResult('b', [{ label: 'TLS', transport: 'tls', answerMs: 8 }]));
    expect(c.attempts.map((a) => [a.label, a.beforeWords, a.afterWords])).toEqual([
      ['UDP', 'registered', undefined],
      ['TLS', undefined, 'registered'],
    ]);
  });

  it('path-probe figures side by side, changed ones marked, probes run on one side only shown as such', () => {
    const before = { ...seed000Run('a', true), pathProbes: { fragmentation: fragmentation(8000) } };
    const after = { ...seed000Run('b', true), pathProbes: { fragmentation: fragmentation(1472, 1500) } };
    const rows = compareRuns(before, after).pathProbes;
    expect(rows).toEqual([
      { probe: 'fragmentation', name: 'outcome', before: 'ok', after: 'ok', changed: false },
      { probe: 'fragmentation', name: 'UDP echo: largest delivered', before: '8000 bytes', after: '1472 bytes', changed: true },
      { probe: 'fragmentation', name: 'UDP echo: smallest lost', before: 'none', after: '1500 bytes', changed: true },
    ]);
    expect(compareRuns(seed000Run('a', true), after).pathProbes.every((r) => r.before === undefined && r.changed)).toBe(true);
    const text = comparisonText(compareRuns(before, after), { before: 'A', after: 'B' });
    expect(text).toMatch(/^Message size\s+UDP echo: largest delivered\s+8000 bytes\s+1472 bytes\s+changed$/m);
  });
});
