// The comparison of two runs as plain text (the CLI's `history compare`, a ticket note).
import type { RunComparison } from './compare.js';

const PROBE_TITLES: Record<string, string> = { fragmentation: 'Message size', stun: 'STUN NAT behaviour', alg: 'SIP ALG', inbound: 'Inbound reachability' };

function table(head: string[], rows: string[][]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [head, ...rows].map((r) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
}

export function comparisonText(c: RunComparison, names: { before: string; after: string }): string {
  const out = [
    `${names.before}: ${c.before.startedAt} ${c.before.server}: ${c.before.verdict}`,
    `${names.after}: ${c.after.startedAt} ${c.after.server}: ${c.after.verdict}`,
    '',
    ...table(
      ['ATTEMPT', names.before.toUpperCase(), names.after.toUpperCase(), ''],
      c.attempts.map((a) => [a.label, a.beforeWords ?? 'not tried', a.afterWords ?? 'not tried', a.changed ? 'changed' : '']),
    ),
  ];
  const list = (title: string, items: RunComparison['findings']['kept']): void => {
    if (items.length) out.push('', title, ...items.map((f) => `  [${f.severity}] ${f.title}`));
  };
  list('Findings that appeared:', c.findings.appeared);
  list('Findings that went away:', c.findings.gone);
  list('Findings in both:', c.findings.kept);
  if (c.pathProbes.length) {
    out.push(
      '',
      ...table(
        ['PATH PROBE', 'FIGURE', names.before.toUpperCase(), names.after.toUpperCase(), ''],
        c.pathProbes.map((r) => [PROBE_TITLES[r.probe] ?? r.probe, r.name, r.before ?? 'not run', r.after ?? 'not run', r.changed ? 'changed' : '']),
      ),
    );
  }
  return out.join('\n');
}
