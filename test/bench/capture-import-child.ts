// Child process of the import benchmark: import one file as `sipladder import` does (streamed
// from disk), diagnose it, and print time and peak memory as JSON.
import { importCaptureFile } from '../../electron/capture/import-stream.js';
import { diagnose } from '../../shared/diagnosis/diagnose.js';

const file = process.argv[2]!;
const t0 = performance.now();
const imported = await importCaptureFile(file, {});
const tRead = performance.now();
const d = diagnose(imported.result);
const t1 = performance.now();
process.stdout.write(
  JSON.stringify({
    packets: imported.packets,
    messages: imported.messages,
    exchanges: imported.result.attempts.length,
    findings: d.findings.length,
    extractMs: tRead - t0,
    totalMs: t1 - t0,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  }),
);
