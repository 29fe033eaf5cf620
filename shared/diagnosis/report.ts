// Ready-to-copy text: what a user tells the provider, or what support tells the customer.
import type { CheckResult } from '../model/results.js';
import type { Diagnosis } from './types.js';
import { captureReportText } from '../capture/report.js';

export function reportText(result: CheckResult, d: Diagnosis, audience: 'provider' | 'customer'): string {
  const problems = d.findings.filter((f) => f.severity !== 'info');
  const lines: string[] = [];
  const incomplete = result.incomplete ? [`Incomplete: ${result.incomplete.detail}.`] : [];
  if (audience === 'provider' && result.origin === 'capture') return captureReportText(result, d);
  if (audience === 'provider') {
    lines.push(
      `SIP registration test of ${result.account.user}@${result.account.domain} via ${result.account.server}, ${result.startedAt}.`,
      '',
      d.verdict,
      ...incomplete,
      '',
    );
    for (const f of problems) lines.push(`- ${f.title}: ${f.technical}`);
    lines.push('', 'Attempts:');
    for (const a of result.attempts) lines.push(`- ${a.label} (local port ${a.localPort ?? '?'}) → ${a.outcome}${a.status ? ` ${a.status}` : ''}: ${a.detail}`);
    lines.push('', `Made with SIP Ladder ${result.tool.version}; the full trace is available as a diagnostic bundle.`);
  } else {
    lines.push(d.verdict, ...incomplete, '');
    for (const f of problems) {
      lines.push(`${f.title}.`, f.explanation);
      if (f.fix.length) lines.push(`What to do: ${f.fix.join('; ')}.`);
      lines.push('');
    }
    if (!problems.length) lines.push('Nothing needs changing on your side.');
  }
  return lines.join('\n').trim();
}
