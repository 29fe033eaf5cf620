// `--metrics HOST:PORT`: OpenMetrics for Prometheus. CheckMetrics is fed every CheckResult of a
// watch (registration per attempt kind, first-answer times, findings, run duration); the reflector
// exposes its counters; startMetricsServer serves either on the one address given.
import { createServer, type Server } from 'node:http';
import { diagnose } from '../../shared/diagnosis/diagnose.js';
import { OPENMETRICS_CONTENT_TYPE, renderOpenMetrics, type MetricFamily, type Sample } from '../../shared/export/openmetrics.js';
import { snapshotOf } from '../../shared/history/snapshot.js';
import type { CheckResult } from '../../shared/model/results.js';
import type { ReflectorStats } from '../reflector/context.js';
import type { HostPort } from './host-port.js';

/** The path Prometheus scrapes by default (scrape_config `metrics_path`). */
export const METRICS_PATH = '/metrics';

/** Samples keyed by their labels, so the same series is updated, not appended. */
class Series {
  private readonly byLabels = new Map<string, Sample>();

  set(labels: Record<string, string>, value: number): void {
    this.byLabels.set(JSON.stringify(labels), { labels, value });
  }

  add(labels: Record<string, string>, delta: number): void {
    const key = JSON.stringify(labels);
    this.byLabels.set(key, { labels, value: (this.byLabels.get(key)?.value ?? 0) + delta });
  }

  /** Every series back to 0 (a gauge of "the last run": a kind or finding that is gone reads 0, not its old value). */
  zero(): void {
    for (const s of this.byLabels.values()) s.value = 0;
  }

  get samples(): Sample[] {
    return [...this.byLabels.values()];
  }
}

/** The registry `watch --metrics` feeds: counters over every run, gauges of the last one. */
export class CheckMetrics {
  private runs = 0;
  private lastDurationS = 0;
  private readonly attempts = new Series();
  private readonly registered = new Series();
  private readonly firstAnswer = new Series();
  private readonly findingsNow = new Series();
  private readonly findingsSeen = new Series();

  observe(result: CheckResult): void {
    this.runs++;
    this.lastDurationS = result.durationMs / 1000;
    for (const gauge of [this.registered, this.firstAnswer, this.findingsNow]) gauge.zero();
    for (const a of snapshotOf(result).attempts) {
      const kind = { kind: a.kind, label: a.label };
      this.attempts.add({ ...kind, outcome: a.outcome }, 1);
      this.registered.set(kind, a.registered ? 1 : 0);
      if (a.firstAnswerMs !== undefined) this.firstAnswer.set(kind, a.firstAnswerMs / 1000);
    }
    for (const f of diagnose(result).findings) {
      this.findingsNow.add({ id: f.id }, 1);
      this.findingsSeen.add({ id: f.id }, 1);
    }
  }

  families(): MetricFamily[] {
    return [
      { name: 'sipladder_runs', type: 'counter', help: 'Checks run since start.', samples: [{ labels: {}, value: this.runs }] },
      {
        name: 'sipladder_run_duration_seconds',
        type: 'gauge',
        unit: 'seconds',
        help: 'Duration of the last check.',
        samples: this.runs ? [{ labels: {}, value: this.lastDurationS }] : [],
      },
      {
        name: 'sipladder_registration_attempts',
        type: 'counter',
        help: 'Registration attempts by kind (transport|source port|rport|target) and outcome.',
        samples: this.attempts.samples,
      },
      {
        name: 'sipladder_registration_success',
        type: 'gauge',
        help: 'Whether the attempt of this kind registered in the last check (1) or not (0).',
        samples: this.registered.samples,
      },
      {
        name: 'sipladder_first_answer_seconds',
        type: 'gauge',
        unit: 'seconds',
        help: "Round trip of the last check's attempt: its first request to the first answer.",
        samples: this.firstAnswer.samples,
      },
      {
        name: 'sipladder_findings',
        type: 'gauge',
        help: 'Findings of the last check by id (0: seen in an earlier check, not in the last).',
        samples: this.findingsNow.samples,
      },
      { name: 'sipladder_finding_checks', type: 'counter', help: 'Checks in which each finding was made.', samples: this.findingsSeen.samples },
    ];
  }
}

/** Why the reflector did not answer, as the `reason` label of sipladder_reflector_drops_total. */
const DROP_REASONS: ReadonlyArray<[keyof ReflectorStats, string]> = [
  ['withheld', 'larger-than-unproven-request'],
  ['overBudget', 'over-budget'],
  ['ignored', 'not-a-request-we-answer'],
  ['connectionsRefused', 'connection-cap'],
  ['messageDeadlines', 'message-deadline'],
];

/** The reflector's own counters (read live from its stats at every scrape). */
export function reflectorFamilies(stats: ReflectorStats): MetricFamily[] {
  return [
    {
      name: 'sipladder_reflector_answers',
      type: 'counter',
      help: 'Answers sent (SIP and STUN, every transport).',
      samples: [{ labels: {}, value: stats.answered }],
    },
    {
      name: 'sipladder_reflector_knocks',
      type: 'counter',
      help: 'Unsolicited knocks sent to test NAT filtering.',
      samples: [{ labels: {}, value: stats.knocks }],
    },
    {
      name: 'sipladder_reflector_drops',
      type: 'counter',
      help: 'Requests not answered, by reason.',
      samples: DROP_REASONS.map(([key, reason]) => ({ labels: { reason }, value: stats[key] })),
    },
    {
      name: 'sipladder_reflector_errors',
      type: 'counter',
      help: 'Socket errors and handler exceptions (logged, never fatal).',
      samples: [{ labels: {}, value: stats.errors }],
    },
  ];
}

export interface MetricsServer {
  /** The port actually bound (0 in the target picks a free one). */
  port: number;
  close(): Promise<void>;
}

/**
 * Serves `families()` at /metrics on exactly `target.host` (never all interfaces unless asked for
 * 0.0.0.0); `onScrape` is told after every answered scrape, with what the scraper accepts.
 */
export async function startMetricsServer(target: HostPort, families: () => MetricFamily[], onScrape?: (accept: string) => void): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== METRICS_PATH || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(path === METRICS_PATH ? 405 : 404, { 'content-type': 'text/plain' }).end();
      return;
    }
    const body = renderOpenMetrics(families());
    res.writeHead(200, { 'content-type': OPENMETRICS_CONTENT_TYPE, 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : body, () => onScrape?.(req.headers.accept ?? ''));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(target.port, target.host, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : target.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
