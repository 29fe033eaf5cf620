// Watch mode's change events and the snapshot they are computed from (shared/history).
import { describe, expect, it } from 'vitest';
import { changeEvents, listInWords } from '../../shared/history/changes.js';
import { snapshotOf } from '../../shared/history/snapshot.js';
import { timelineOf } from '../../shared/history/timeline.js';
import { runResult, seed000Run } from '../fixtures/history-results.js';

const at = (minute: number): string => new Date(Date.UTC(2026, 10, 22, 14, minute)).toISOString();

describe('run snapshot', () => {
  it('one point per attempt kind: registered or not, and the time to the first answer from the trace', () => {
    const s = snapshotOf(seed000Run(at(0), false));
    expect(s.at).toBe(at(0));
    expect(s.attempts.map((a) => [a.label, a.registered, a.firstAnswerMs])).toEqual([
      ['UDP from port 5060', false, undefined],
      ['UDP from an ephemeral port', true, 20],
      ['TCP', true, 35],
    ]);
    expect(new Set(s.attempts.map((a) => a.kind)).size).toBe(3);
  });

  it('leaves out attempts that were cancelled (they say nothing about the network)', () => {
    const s = snapshotOf(
      runResult(at(0), [
        { label: 'TCP', transport: 'tcp', outcome: 'aborted' },
        { label: 'UDP', answerMs: 5 },
      ]),
    );
    expect(s.attempts.map((a) => a.label)).toEqual(['UDP']);
  });
});

describe('change events', () => {
  it('seed 000 appearing: UDP from port 5060 started failing, naming what kept working', () => {
    const events = changeEvents(snapshotOf(seed000Run(at(0), true)), snapshotOf(seed000Run(at(5), false)));
    expect(events.map((e) => e.text)).toEqual(['UDP from port 5060 started failing at 14:05 (no answer); UDP from an ephemeral port and TCP kept working']);
    expect(events[0]).toMatchObject({ change: 'started-failing', before: 'registered', after: 'no answer', at: at(5) });
  });

  it('recovery, a failure that changes its kind, attempts tried or no longer tried; nothing when nothing changed', () => {
    const timeOf = (iso: string): string => `T${iso.slice(14, 16)}`;
    expect(changeEvents(snapshotOf(seed000Run(at(0), false)), snapshotOf(seed000Run(at(5), true)), timeOf).map((e) => e.text)).toEqual([
      'UDP from port 5060 works again since T05 (was: no answer)',
    ]);
    const silent = runResult(at(0), [
      { label: 'TCP', transport: 'tcp' },
      { label: 'UDP', answerMs: 3 },
    ]);
    const refused = runResult(at(1), [
      { label: 'TCP', transport: 'tcp', outcome: 'refused' },
      { label: 'TLS', transport: 'tls', answerMs: 9 },
    ]);
    expect(changeEvents(snapshotOf(silent), snapshotOf(refused), timeOf).map((e) => [e.change, e.text])).toEqual([
      ['failure-changed', 'TCP still fails, differently since T01: refused (ICMP port unreachable or TCP reset) (was: no answer)'],
      ['disappeared', 'UDP was no longer tried at T01'],
      ['appeared', 'TLS was tried for the first time at T01 (registered)'],
    ]);
    expect(changeEvents(snapshotOf(seed000Run(at(0), false)), snapshotOf(seed000Run(at(5), false)))).toEqual([]);
  });

  it('lists in words', () => {
    expect([[], ['A'], ['A', 'B'], ['A', 'B', 'C']].map(listInWords)).toEqual(['', 'A', 'A and B', 'A, B and C']);
  });
});

describe('timeline', () => {
  it('one row per run, a latency and an outcome field per attempt kind, change events marked on their run', () => {
    const runs = [seed000Run(at(0), true), seed000Run(at(5), false)].map(snapshotOf);
    const t = timelineOf(runs.map((snapshot, i) => ({ index: i + 1, snapshot, changes: i ? changeEvents(runs[0]!, snapshot) : [] })));
    expect(t.series.map((s) => [s.label, s.latencyKey, s.okKey])).toEqual([
      ['UDP from port 5060', 'latency0', 'ok0'],
      ['UDP from an ephemeral port', 'latency1', 'ok1'],
      ['TCP', 'latency2', 'ok2'],
    ]);
    expect(t.rows).toEqual([
      { index: 1, at: at(0), t: Date.parse(at(0)), latency0: 21, ok0: 1, latency1: 20, ok1: 1, latency2: 35, ok2: 1 },
      { index: 2, at: at(5), t: Date.parse(at(5)), latency0: undefined, ok0: 0, latency1: 20, ok1: 1, latency2: 35, ok2: 1 },
    ]);
    expect(t.marks.map((m) => [m.index, m.change])).toEqual([[2, 'started-failing']]);
  });
});
