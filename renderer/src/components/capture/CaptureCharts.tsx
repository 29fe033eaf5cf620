import type { JSX } from 'react';
// The timing of an imported capture: time from each method's first request to its final answer
// (median and 95th percentile per method). A capture has no probes of this computer's path, so
// the check's size and transport charts do not apply.
import { useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import { dialogFacts } from '../../../../shared/capture/dialogs.js';
import { responseTimesByMethod } from '../../../../shared/capture/response-times.js';
import { useApp } from '../../store.js';

export function CaptureCharts(): JSX.Element | null {
  const result = useApp((s) => s.result);
  const times = useMemo(() => (result ? responseTimesByMethod(dialogFacts(result), result.trace) : []), [result]);
  if (!times.length) return null;
  const data = times.map((m) => ({ method: `${m.method} (${m.answered.toLocaleString('en-US')})`, median: m.medianMs, p95: m.p95Ms }));
  return (
    <section className="card charts">
      <h2>Timing</h2>
      <figure data-testid="chart-capture-response">
        <figcaption>Time from the first request to the final answer, per method (number answered)</figcaption>
        <BarChart width={560} height={240} data={data}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="method" />
          <YAxis label={{ value: 'ms', angle: -90, position: 'insideLeft' }} />
          <Tooltip />
          <Legend />
          <Bar dataKey="median" name="median" fill="#1d4ed8" isAnimationActive={false} />
          <Bar dataKey="p95" name="95th percentile" fill="#c2410c" isAnimationActive={false} />
        </BarChart>
      </figure>
    </section>
  );
}
