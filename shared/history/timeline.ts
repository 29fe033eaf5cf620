// The watch timeline as chart rows: one row per run, per attempt kind its time to the first answer
// (absent when nothing came back) and whether it registered, plus the change events to mark.
import type { ChangeEvent } from './changes.js';
import type { RunSnapshot } from './snapshot.js';

export interface TimelineSeries {
  kind: string;
  label: string;
  /** Row field holding this kind's first-answer time (ms) and its outcome (1 registered, 0 not). */
  latencyKey: string;
  okKey: string;
}

export type TimelineRow = { index: number; at: string; t: number } & Record<string, number | string | undefined>;

export interface Timeline {
  series: TimelineSeries[];
  rows: TimelineRow[];
  /** Change events with the row they belong to. */
  marks: Array<ChangeEvent & { index: number }>;
}

/** Run snapshots (oldest first) and the change events between them, as chart data. */
export function timelineOf(runs: Array<{ index: number; snapshot: RunSnapshot; changes: ChangeEvent[] }>): Timeline {
  const series = new Map<string, TimelineSeries>();
  const rows = runs.map(({ index, snapshot }): TimelineRow => {
    const row: TimelineRow = { index, at: snapshot.at, t: Date.parse(snapshot.at) };
    for (const a of snapshot.attempts) {
      const n = series.size;
      const s = series.get(a.kind) ?? { kind: a.kind, label: a.label, latencyKey: `latency${n}`, okKey: `ok${n}` };
      series.set(a.kind, s);
      row[s.latencyKey] = a.firstAnswerMs;
      row[s.okKey] = a.registered ? 1 : 0;
    }
    return row;
  });
  return { series: [...series.values()], rows, marks: runs.flatMap((r) => r.changes.map((c) => ({ ...c, index: r.index }))) };
}
