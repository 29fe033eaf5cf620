// Child process of the import benchmark: import one file, print time and peak memory as JSON.
import { readFileSync } from 'node:fs';
import { captureAsResult } from '../../shared/capture/as-result.js';
import { SipExtractor } from '../../shared/capture/sip-messages.js';
import { diagnose } from '../../shared/diagnosis/diagnose.js';

const file = process.argv[2]!;
const t0 = performance.now();
const summary = SipExtractor.fromFile(new Uint8Array(readFileSync(file)));
const tRead = performance.now();
const result = captureAsResult(summary.messages, file);
const d = diagnose(result);
const t1 = performance.now();
process.stdout.write(JSON.stringify({ messages: summary.messages.length, exchanges: result.attempts.length, findings: d.findings.length,
  extractMs: tRead - t0, totalMs: t1 - t0, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
