// The OpenMetrics text format as a scraper reads it: a small parser (ABNF of OpenMetrics 1.0, the
// parts we emit) checks every sample has its family's TYPE and HELP, label values round-trip through
// escaping, counters end in _total and the exposition ends with # EOF.
import { describe, expect, it } from 'vitest';
import { escapeLabelValue, renderOpenMetrics, type MetricFamily } from '../../shared/export/openmetrics.js';
import { CheckMetrics, reflectorFamilies } from '../../electron/export/metrics.js';
import { newStats } from '../../electron/reflector/context.js';
import { toBase64, utf8 } from '../../shared/hash/utf8.js';
import type { AttemptResult, CheckResult } from '../../shared/model/results.js';
import { checkResult } from '../builders.js';

interface Parsed {
  families: Map<string, { type?: string; help?: string; unit?: string }>;
  samples: Array<{ name: string; labels: Record<string, string>; value: number }>;
}

const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/y;
const unescape = (v: string): string => v.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < text.length) {
    const m = LABEL.exec(text);
    if (!m) throw new Error(`bad labels: ${text}`);
    labels[m[1]!] = unescape(m[2]!);
  }
  return labels;
}

function parseExposition(text: string): Parsed {
  expect(text.endsWith('# EOF\n')).toBe(true);
  const lines = text
    .slice(0, -'# EOF\n'.length)
    .split('\n')
    .filter((l, i, all) => i < all.length - 1 || l !== '');
  const parsed: Parsed = { families: new Map(), samples: [] };
  for (const line of lines) {
    const meta = /^# (TYPE|HELP|UNIT) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (meta) {
      const f = parsed.families.get(meta[2]!) ?? {};
      f[meta[1]!.toLowerCase() as 'type' | 'help' | 'unit'] = meta[3]!;
      parsed.families.set(meta[2]!, f);
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!sample) throw new Error(`not a sample line: ${JSON.stringify(line)}`);
    const value = Number(sample[3]!.replace('+Inf', 'Infinity'));
    expect(Number.isNaN(value) && sample[3] !== 'NaN').toBe(false);
    parsed.samples.push({ name: sample[1]!, labels: sample[2] ? parseLabels(sample[2]) : {}, value });
  }
  for (const s of parsed.samples) {
    const family = parsed.families.get(s.name) ?? parsed.families.get(s.name.replace(/_total$/, ''));
    expect(family?.type, `TYPE of ${s.name}`).toMatch(/^(counter|gauge)$/);
    expect(family?.help, `HELP of ${s.name}`).toBeTruthy();
    if (family?.type === 'counter') expect(s.name).toMatch(/_total$/);
  }
  return parsed;
}

describe('OpenMetrics text', () => {
  it('escapes backslash, quote and line feed in label values so they parse back unchanged', () => {
    const hostile = 'a\\b"c\nd}e,f="g"';
    expect(escapeLabelValue(hostile)).toBe('a\\\\b\\"c\\nd}e,f=\\"g\\"');
    const fam: MetricFamily = { name: 'x', type: 'gauge', help: 'help with \\ and\nnewline', samples: [{ labels: { v: hostile, w: '' }, value: 1.5 }] };
    const parsed = parseExposition(renderOpenMetrics([fam]));
    expect(parsed.samples).toEqual([{ name: 'x', labels: { v: hostile, w: '' }, value: 1.5 }]);
    expect(parsed.families.get('x')!.help).toBe('help with \\\\ and\\nnewline');
  });

  it('refuses names a scraper would reject, and a unit the name does not end with', () => {
    expect(() => renderOpenMetrics([{ name: 'bad-name', type: 'gauge', help: 'h', samples: [] }])).toThrow(/invalid metric name/);
    expect(() => renderOpenMetrics([{ name: 'ok', type: 'gauge', help: 'h', samples: [{ labels: { 'bad-label': '' }, value: 0 }] }])).toThrow(
      /invalid label name/,
    );
    expect(() => renderOpenMetrics([{ name: 'time_ms', type: 'gauge', unit: 'seconds', help: 'h', samples: [] }])).toThrow(/unit/);
  });
});

const attempt = (id: number, over: Partial<AttemptResult>): AttemptResult => ({
  id,
  label: `UDP ${id}`,
  transport: 'udp',
  target: { host: 'sip.example.com', address: '192.0.2.1', port: 5060 },
  sourcePortMode: 'ephemeral',
  rport: true,
  outcome: 'registered',
  detail: '',
  durationMs: 40,
  startedAt: 0,
  requestsSent: 2,
  retransmissions: 0,
  responsesFromElsewhere: [],
  traceSeqs: [],
  ...over,
});

function run(durationMs: number, fixedOutcome: AttemptResult['outcome']): CheckResult {
  const bytes = toBase64(utf8('x'));
  return checkResult({
    startedAt: '2026-01-01T00:00:00Z',
    durationMs,
    account: { server: 'sip.example.com', domain: 'sip.example.com', user: 'alice', authUser: 'alice', transports: ['udp', 'tcp'], passwordGiven: true },
    attempts: [
      attempt(1, { label: 'UDP from port 5060', sourcePortMode: 'fixed-5060', outcome: fixedOutcome, traceSeqs: [1, 2] }),
      attempt(2, { label: 'TCP "quoted"', transport: 'tcp', traceSeqs: [3, 4] }),
    ],
    trace: [
      { seq: 1, t: 10, attempt: 1, kind: 'sent', bytes },
      { seq: 2, t: 35, attempt: 1, kind: 'received', bytes },
      { seq: 3, t: 50, attempt: 2, kind: 'sent', bytes },
      { seq: 4, t: 62.5, attempt: 2, kind: 'received', bytes },
    ],
  });
}

describe('check metrics', () => {
  it('counts attempts over runs and keeps the last run in gauges; every sample has HELP and TYPE', () => {
    const metrics = new CheckMetrics();
    metrics.observe(run(1500, 'registered'));
    metrics.observe(run(2500, 'no-response'));
    const { samples } = parseExposition(renderOpenMetrics(metrics.families()));
    const value = (name: string, labels: Record<string, string> = {}): number | undefined =>
      samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
    expect(value('sipladder_runs_total')).toBe(2);
    expect(value('sipladder_run_duration_seconds')).toBe(2.5);
    expect(value('sipladder_registration_success', { label: 'UDP from port 5060' })).toBe(0);
    expect(value('sipladder_registration_success', { label: 'TCP "quoted"' })).toBe(1);
    expect(value('sipladder_registration_attempts_total', { label: 'UDP from port 5060', outcome: 'registered' })).toBe(1);
    expect(value('sipladder_registration_attempts_total', { label: 'UDP from port 5060', outcome: 'no-response' })).toBe(1);
    expect(value('sipladder_first_answer_seconds', { label: 'TCP "quoted"' })).toBe(0.0125);
  });

  it('exposes the reflector counters with a reason per drop', () => {
    const stats = { ...newStats(), answered: 7, overBudget: 3 };
    const { samples } = parseExposition(renderOpenMetrics(reflectorFamilies(stats)));
    expect(samples.find((s) => s.name === 'sipladder_reflector_answers_total')?.value).toBe(7);
    expect(samples.find((s) => s.labels.reason === 'over-budget')?.value).toBe(3);
    expect(samples.filter((s) => s.name === 'sipladder_reflector_drops_total')).toHaveLength(5);
  });
});
