import type { JSX } from 'react';
// Round-trip time per message size (UDP vs TCP) and per transport, with recharts.
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { FragmentationSeries } from '../../../shared/model/path-results.js';
import { useApp } from '../store.js';

export function Charts(): JSX.Element | null {
  const result = useApp((s) => s.result);
  if (!result) return null;
  // One line per transport: its series that tried the most sizes (echo against a registrar, upstream with the reflector).
  const all = result.pathProbes?.fragmentation?.series ?? [];
  const tried = (s: FragmentationSeries): number => s.points.filter((p) => p.sends > 0).length;
  const series = (['udp', 'tcp'] as const)
    .map((t) => all.filter((s) => s.transport === t).sort((a, b) => tried(b) - tried(a))[0])
    .filter((s): s is FragmentationSeries => s !== undefined && tried(s) > 0);
  const sizes = [...new Set(series.flatMap((s) => s.points.map((p) => p.size)))].sort((a, b) => a - b);
  const sizeData = sizes.map((size) =>
    Object.fromEntries([
      ['size', size],
      ...series.map((s) => {
        const p = s.points.find((x) => x.size === size);
        return [s.transport.toUpperCase(), p?.delivered ? p.rttMs : null];
      }),
    ]),
  );
  const perTransport = ['udp', 'tcp', 'tls', 'ws', 'wss']
    .map((t) => {
      const done = result.attempts.filter((a) => a.transport === t && a.status !== undefined);
      return { transport: t.toUpperCase(), ms: done.length ? Math.round(Math.min(...done.map((a) => a.durationMs))) : null };
    })
    .filter((x) => x.ms !== null);
  return (
    <section className="card charts">
      <h2>Timing</h2>
      {sizeData.length > 0 && (
        <figure data-testid="chart-size-rtt">
          <figcaption>Round-trip time by message size (lost sizes are gaps)</figcaption>
          <LineChart width={560} height={240} data={sizeData}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="size" label={{ value: 'bytes', position: 'insideBottomRight', offset: -4 }} />
            <YAxis label={{ value: 'ms', angle: -90, position: 'insideLeft' }} />
            <Tooltip />
            <Legend />
            <Line type="monotone" dataKey="UDP" stroke="#c2410c" strokeDasharray="4 2" connectNulls={false} isAnimationActive={false} />
            <Line type="monotone" dataKey="TCP" stroke="#1d4ed8" connectNulls={false} isAnimationActive={false} />
          </LineChart>
        </figure>
      )}
      {perTransport.length > 0 && (
        <figure data-testid="chart-transport">
          <figcaption>Time to a final answer, per transport (fastest attempt)</figcaption>
          <BarChart width={420} height={200} data={perTransport}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="transport" />
            <YAxis unit=" ms" />
            <Tooltip />
            <Bar dataKey="ms" fill="#4b5563" isAnimationActive={false} />
          </BarChart>
        </figure>
      )}
    </section>
  );
}
