import type { JSX } from 'react';
// The watch timeline with recharts: per attempt kind, its outcome in each run (a row of dots, green
// registered, red not) and its time to the first answer; change events as vertical marks.
import { useMemo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import { timelineOf } from '../../../../shared/history/timeline.js';
import type { WatchRunView } from '../../slices/history.js';

const COLOURS = ['#1d4ed8', '#c2410c', '#15803d', '#7c3aed', '#b91c1c', '#0e7490', '#a16207'];
const WIDTH = 720;

export function WatchTimeline({ runs }: { runs: WatchRunView[] }): JSX.Element {
  const timeline = useMemo(() => timelineOf(runs), [runs]);
  const outcomes = (registered: boolean): Array<{ run: number; row: number; label: string }> =>
    timeline.series.flatMap((s, row) => timeline.rows.filter((r) => r[s.okKey] === (registered ? 1 : 0)).map((r) => ({ run: r.index, row, label: s.label })));
  const marks = [...new Set(timeline.marks.map((m) => m.index))];
  const runAxis = (
    <XAxis
      dataKey="run"
      type="number"
      domain={['dataMin', 'dataMax']}
      allowDecimals={false}
      label={{ value: 'run', position: 'insideBottomRight', offset: -4 }}
    />
  );
  return (
    <div className="watch-timeline">
      <figure data-testid="timeline-outcomes" data-runs={timeline.rows.length}>
        <figcaption>Outcome per attempt kind (green: registered, red: failed)</figcaption>
        <ScatterChart width={WIDTH} height={60 + 28 * timeline.series.length} margin={{ left: 180 }}>
          <CartesianGrid strokeDasharray="3 3" />
          {runAxis}
          <YAxis
            dataKey="row"
            type="number"
            domain={[-0.5, timeline.series.length - 0.5]}
            ticks={timeline.series.map((_, i) => i)}
            tickFormatter={(i: number) => timeline.series[i]?.label ?? ''}
            width={170}
            reversed
          />
          <Tooltip formatter={(_v, _n, p) => (p.payload as { label: string }).label} />
          <Scatter name="registered" data={outcomes(true)} fill="#15803d" isAnimationActive={false} />
          <Scatter name="failed" data={outcomes(false)} fill="#b91c1c" isAnimationActive={false} />
          {marks.map((m) => (
            <ReferenceLine key={m} x={m} stroke="#b45309" strokeDasharray="4 2" />
          ))}
        </ScatterChart>
      </figure>
      <figure data-testid="timeline-latency">
        <figcaption>Time to the first answer (ms; gaps: no answer)</figcaption>
        <LineChart width={WIDTH} height={240} data={timeline.rows.map((r) => ({ ...r, run: r.index }))}>
          <CartesianGrid strokeDasharray="3 3" />
          {runAxis}
          <YAxis label={{ value: 'ms', angle: -90, position: 'insideLeft' }} />
          <Tooltip />
          <Legend />
          {timeline.series.map((s, i) => (
            <Line key={s.kind} name={s.label} dataKey={s.latencyKey} stroke={COLOURS[i % COLOURS.length]} connectNulls={false} isAnimationActive={false} />
          ))}
          {marks.map((m) => (
            <ReferenceLine key={m} x={m} stroke="#b45309" strokeDasharray="4 2" />
          ))}
        </LineChart>
      </figure>
    </div>
  );
}
