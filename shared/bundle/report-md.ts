// The human-readable report of a bundle (Markdown): verdict, findings, attempts, text ladders.
import type { Diagnosis } from '../diagnosis/types.js';
import { reportText } from '../diagnosis/report.js';
import { captureHeading } from '../capture/report.js';
import { holdsNoSip } from '../diagnosis/rules-capture.js';
import { asciiLadder } from '../ladder/ascii.js';
import { ladderModel } from '../ladder/model.js';
import type { CheckResult } from '../model/results.js';

export function reportMarkdown(result: CheckResult, d: Diagnosis): string {
  const out = [
    `# SIP Ladder report`,
    '',
    `**${d.verdict}**`,
    '',
    result.capture
      ? captureHeading(result)
      : `Account ${result.account.user}@${result.account.domain} via ${result.account.server}; checked ${result.startedAt} in ${(result.durationMs / 1000).toFixed(1)} s.`,
    '',
  ];
  out.push('## Findings', '');
  if (!d.findings.length) out.push(holdsNoSip(result) ? 'None: the capture holds no SIP to judge.' : 'No problems found.', '');
  for (const f of d.findings) {
    out.push(
      `### ${f.severity === 'error' ? '✖' : f.severity === 'warning' ? '⚠' : 'ℹ'} ${f.title}`,
      '',
      f.explanation,
      '',
      ...f.fix.map((x) => `- ${x}`),
      '',
      `Technical: ${f.technical}`,
      '',
      `Evidence: trace ${f.evidence.map((s) => `#${s}`).join(', ')}`,
      '',
    );
  }
  out.push('## Attempts', '', '| attempt | local port | outcome | time |', '| --- | --- | --- | --- |');
  for (const a of result.attempts)
    out.push(`| ${a.label} | ${a.localPort ?? '–'} | ${a.outcome}${a.status ? ` ${a.status}` : ''} | ${(a.durationMs / 1000).toFixed(2)} s |`);
  out.push(
    '',
    '## Ladders',
    '',
    '```',
    ladderModel(result, d.findings).map(asciiLadder).join('\n\n'),
    '```',
    '',
    '## For the provider',
    '',
    '```',
    reportText(result, d, 'provider'),
    '```',
    '',
  );
  return out.join('\n');
}
