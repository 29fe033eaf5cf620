// The app's own trace, exported as pcapng and imported again (issue 10): the OPTIONS of the path
// probes are keep-alive style exchanges, not phones that failed to register, and the report says
// what was captured in capture words.
import { describe, expect, it } from 'vitest';
import { startRegistrar } from '../../electron/demo/registrar.js';
import { tracePcapng } from '../../shared/bundle/pcapng.js';
import { dialogFacts } from '../../shared/capture/dialogs.js';
import { importCapture } from '../../shared/capture/import.js';
import { reportText } from '../../shared/diagnosis/report.js';
import { diagnose } from '../../shared/diagnosis/diagnose.js';
import { checkFixture } from './helpers.js';

describe('re-importing our own pcapng', () => {
  it("reads the path probes' OPTIONS as OPTIONS, and the report names the file", async () => {
    const fx = await startRegistrar({ transports: ['udp', 'tcp'] });
    try {
      const checked = await checkFixture(fx, { skipPathProbes: false });
      const sentOptions = checked.trace.filter((e) => e.kind === 'sent' && e.bytes && atob(e.bytes).startsWith('OPTIONS ')).length;
      expect(sentOptions).toBeGreaterThan(0); // the fragmentation probe's, against the registrar
      const { result } = importCapture(tracePcapng(checked), 'cli-trace.pcapng');
      const facts = dialogFacts(result);
      const options = facts.filter((f) => f.method === 'OPTIONS');
      // The registrar challenges OPTIONS (401): an answer, so the server is reachable, not a phone that failed.
      expect(options.map((f) => [f.kind, f.status, f.failed])).toEqual(options.map(() => ['keepalive', 401, false]));
      expect(result.attempts.filter((a) => a.outcome === 'challenged-no-answer')).toEqual([]);
      const registrations = facts.filter((f) => f.kind === 'registration');
      expect(registrations.length).toBe(checked.attempts.length);
      const d = diagnose(result);
      expect(d.findings.filter((f) => f.severity !== 'info')).toEqual([]);
      expect(d.verdict).toBe(
        `No problems found. Seen in this capture: ${facts.length} exchanges; ${registrations.length} of ${registrations.length} registrations succeeded, ${options.length} of ${options.length} keep-alives answered.`,
      );
      const report = reportText(result, d, 'provider').split('\n');
      expect(report[0]).toMatch(/^SIP capture cli-trace\.pcapng \(\d+ packets, \d+ SIP messages\), from \d{4}-/);
      expect(report.join('\n')).not.toMatch(/test of|@cli-trace/);
    } finally {
      await fx.close();
    }
  }, 30_000);
});
