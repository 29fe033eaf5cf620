// The "what to tell the provider" text of an imported capture: what was captured, the verdict, the
// findings, and the exchanges in counts (never one line per exchange: a capture may hold 40,000;
// the full lists are in the bundle's results.json).
import type { Diagnosis } from '../diagnosis/types.js';
import type { CheckResult } from '../model/results.js';
import { dialogFacts } from './dialogs.js';
import { countOf, countText } from './count-text.js';

/** "SIP capture trace.pcapng (36 packets, 36 SIP messages), from …": the first line of a capture's texts. */
export function captureHeading(result: CheckResult): string {
  const c = result.capture;
  const what = c
    ? `${c.file} (${c.format === 'pcap' ? `${countOf(c.packets, 'packet')}, ` : ''}${countOf(c.sipMessages, 'SIP message')})`
    : result.account.server;
  return `SIP capture ${what}, from ${result.startedAt}.`;
}

export function captureReportText(result: CheckResult, d: Diagnosis): string {
  const c = result.capture;
  const lines = [captureHeading(result), ...(c?.leftOut ? [c.leftOut] : []), '', d.verdict, ''];
  for (const f of d.findings.filter((x) => x.severity !== 'info')) lines.push(`- ${f.title}: ${f.technical}`);
  const counts = new Map<string, number>();
  for (const f of dialogFacts(result)) {
    const k = `${f.method || 'other'} ${f.failed ? (f.status ? `→ ${f.status}` : '→ no answer') : '→ ok'}`;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  lines.push('', 'Exchanges seen in this capture:');
  for (const [k, v] of [...counts].sort((a, b) => b[1] - a[1]).slice(0, 12)) lines.push(`- ${k}: ${countText(v)}`);
  if (counts.size > 12) lines.push(`- ${countOf(counts.size - 12, 'rarer kind')}`);
  lines.push('', `Made with SIP Ladder ${result.tool.version}; every exchange is listed in the diagnostic bundle.`);
  return lines.join('\n');
}
