// A real Prometheus scrapes `--metrics` (OpenMetrics) on 127.0.0.1 every second: the values of a real
// check against the local test registrar (UDP silent towards the fixed port, as in field story 000)
// come back through Prometheus's own query API.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startRegistrar, type Fixture } from '../../electron/demo/registrar.js';
import { CheckMetrics, startMetricsServer, type MetricsServer } from '../../electron/export/metrics.js';
import { renderOpenMetrics } from '../../shared/export/openmetrics.js';
import { checkFixture, freeUdpPort } from '../integration/helpers.js';

const prometheusMissing = ((): string | null => {
  try {
    execFileSync('prometheus', ['--version'], { stdio: 'ignore' });
    return null;
  } catch {
    return 'prometheus is not installed (apt-get install prometheus)';
  }
})();
if (prometheusMissing) console.warn(`metrics lab test skipped: ${prometheusMissing}`);

/** Prometheus's start-up (TSDB, first scrape) on a busy 2-core machine, plus two 1-second scrapes. */
const SCRAPES_WAIT_MS = 30_000;
const SCRAPES_BEFORE_QUERY = 2;

async function freeTcpPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

interface Vector {
  metric: Record<string, string>;
  value: [number, string];
}

async function query(apiPort: number, promql: string): Promise<Vector[]> {
  const res = await fetch(`http://127.0.0.1:${apiPort}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const body = (await res.json()) as { status: string; data: { result: Vector[] } };
  expect(body.status).toBe('success');
  return body.data.result;
}

describe.skipIf(prometheusMissing !== null)('metrics: a real Prometheus scrapes OpenMetrics', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sllab-prom-'));
  let fixture: Fixture | undefined;
  let server: MetricsServer | undefined;
  let prometheus: ChildProcess | undefined;
  afterAll(async () => {
    prometheus?.kill('SIGTERM');
    await server?.close();
    await fixture?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('scrapes registration success per kind, findings by id and the run duration', async () => {
    const fixedPort = await freeUdpPort();
    fixture = await startRegistrar({ transports: ['udp', 'tcp'], udpSilentToPort: fixedPort });
    const result = await checkFixture(fixture, { fixedSourcePort: fixedPort });
    const metrics = new CheckMetrics();
    metrics.observe(result);

    const accepts: string[] = [];
    let scraped: () => void = () => undefined;
    const enoughScrapes = new Promise<void>((resolve) => (scraped = resolve));
    server = await startMetricsServer(
      { host: '127.0.0.1', port: 0 },
      () => metrics.families(),
      (accept) => {
        accepts.push(accept);
        if (accepts.length === SCRAPES_BEFORE_QUERY) scraped();
      },
    );
    const apiPort = await freeTcpPort();
    writeFileSync(
      join(dir, 'prometheus.yml'),
      `global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: sipladder
    static_configs:
      - targets: ['127.0.0.1:${server.port}']
`,
    );
    let log = '';
    prometheus = spawn(
      'prometheus',
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${apiPort}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    prometheus.stderr!.on('data', (d) => (log += d));
    const t0 = performance.now();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      enoughScrapes,
      new Promise(
        (_, reject) => (timer = setTimeout(() => reject(new Error(`no ${SCRAPES_BEFORE_QUERY} scrapes in ${SCRAPES_WAIT_MS} ms:\n${log}`)), SCRAPES_WAIT_MS)),
      ),
    ]);
    clearTimeout(timer);
    console.log(
      `Prometheus lab: ${SCRAPES_BEFORE_QUERY} scrapes ${Math.round(performance.now() - t0)} ms after Prometheus started; exposition ${renderOpenMetrics(metrics.families()).length} bytes`,
    );
    // Prometheus asked for OpenMetrics first, and its target is healthy (it parsed every line).
    expect(accepts[0]).toMatch(/^application\/openmetrics-text/);
    expect((await query(apiPort, 'up{job="sipladder"}'))[0]?.value[1]).toBe('1');

    const byLabel = Object.fromEntries((await query(apiPort, 'sipladder_registration_success')).map((v) => [v.metric.label, v.value[1]]));
    const fixedLabel = result.attempts.find((a) => a.sourcePortMode === 'fixed-5060')!.label;
    expect(byLabel).toMatchObject({ [fixedLabel]: '0', TCP: '1', 'UDP from an ephemeral port': '1' });
    expect(Object.keys(byLabel).length).toBe(result.attempts.length);
    const findings = (await query(apiPort, 'sipladder_findings')).map((v) => [v.metric.id, v.value[1]]);
    expect(findings).toContainEqual(['inbound-udp-5060-dropped', '1']);
    const duration = await query(apiPort, 'sipladder_run_duration_seconds');
    expect(Number(duration[0]!.value[1])).toBeCloseTo(result.durationMs / 1000, 3);
    const rtt = await query(apiPort, 'sipladder_first_answer_seconds{label="TCP"}');
    expect(Number(rtt[0]!.value[1])).toBeGreaterThan(0);
  }, 90_000);
});
