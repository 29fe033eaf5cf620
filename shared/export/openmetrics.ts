// The OpenMetrics text exposition format (OpenMetrics 1.0, the format Prometheus scrapes with
// `Accept: application/openmetrics-text`): metric families with # TYPE/# HELP, samples with escaped
// label values, and the mandatory `# EOF` last line.

export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

export type MetricType = 'counter' | 'gauge';

export interface Sample {
  labels: Record<string, string>;
  value: number;
}

export interface MetricFamily {
  /** Without the `_total` suffix a counter's sample gets (OpenMetrics §"Counter"). */
  name: string;
  type: MetricType;
  help: string;
  /** Base unit, also the name's suffix (OpenMetrics §"Unit"), e.g. "seconds". */
  unit?: string;
  samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Label values: backslash, double quote and line feed escaped (OpenMetrics ABNF `escaped-string`). */
export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

/** HELP text: backslash and line feed escaped (a quote is allowed there). */
const escapeHelp = (text: string): string => text.replace(/[\\\n]/g, (c) => (c === '\n' ? '\\n' : '\\\\'));

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function sampleLine(name: string, s: Sample): string {
  const labels = Object.entries(s.labels);
  for (const [k] of labels) if (!LABEL_NAME.test(k)) throw new Error(`invalid label name "${k}"`);
  const text = labels.length ? `{${labels.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}` : '';
  return `${name}${text} ${formatValue(s.value)}`;
}

/** The whole exposition: one block per family (HELP, TYPE, UNIT, samples), then `# EOF`. */
export function renderOpenMetrics(families: readonly MetricFamily[]): string {
  const lines: string[] = [];
  for (const f of families) {
    if (!METRIC_NAME.test(f.name)) throw new Error(`invalid metric name "${f.name}"`);
    if (f.unit && !f.name.endsWith(`_${f.unit}`)) throw new Error(`metric "${f.name}" must end with its unit "${f.unit}"`);
    lines.push(`# TYPE ${f.name} ${f.type}`);
    if (f.unit) lines.push(`# UNIT ${f.name} ${f.unit}`);
    lines.push(`# HELP ${f.name} ${escapeHelp(f.help)}`);
    const sampleName = f.type === 'counter' ? `${f.name}_total` : f.name;
    for (const s of f.samples) lines.push(sampleLine(sampleName, s));
  }
  lines.push('# EOF');
  return lines.join('\n') + '\n';
}
