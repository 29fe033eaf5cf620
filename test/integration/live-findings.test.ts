// Live findings: each path probe's result leaves the engine as that probe ends, so the app's findings
// grow before the slowest probe is done. A STUN server whose answer shows a rewritten MAPPED-ADDRESS
// (an ALG) ends in milliseconds; the fragmentation probe against the registrar takes about a second.
import { afterEach, describe, expect, it } from 'vitest';
import { startRegistrar, type Fixture } from '../../electron/demo/registrar.js';
import { check } from '../../electron/engine/check.js';
import { defaultDeps } from '../../electron/engine/deps.js';
import { diagnose } from '../../shared/diagnosis/diagnose.js';
import { withFinishedProbe, type ProgressEvent } from '../../shared/model/progress.js';
import type { CheckResult } from '../../shared/model/results.js';
import { freeUdpPort } from './helpers.js';
import { rewritingStunServer } from './rewriting-stun.js';

const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

describe('live path-probe findings', () => {
  it("a probe's finding is diagnosable from the events as soon as it ends, before the last probe ends, and equals the final one", async () => {
    const fx: Fixture = await startRegistrar({ transports: ['udp', 'tcp'] });
    closers.push(() => fx.close());
    const stun = await rewritingStunServer();
    closers.push(stun.close);
    const events: ProgressEvent[] = [];
    // What the app shows: the matrix's result, then each finished probe joined to it (renderer/src/useRunBridge.ts).
    let shown: CheckResult | null = null;
    const findingsWhen: Record<string, string[]> = {};
    const result = await check(
      {
        server: '127.0.0.1',
        user: 'alice',
        password: 'secret',
        transports: ['udp', 'tcp'],
        ports: { udp: fx.ports.udp, tcp: fx.ports.tcp },
        fixedSourcePort: await freeUdpPort(),
        stun: { host: '127.0.0.1', port: stun.port },
      },
      defaultDeps(),
      {
        onProgress: (e) => {
          events.push(e);
          if (e.type === 'matrix-finished') shown = e.result;
          if (e.type === 'probe-finished' && e.finished && shown) {
            shown = withFinishedProbe(shown, e.finished);
            findingsWhen[e.finished.key] = diagnose(shown).findings.map((f) => f.id);
          }
        },
      },
    );
    const finishedKeys = events.flatMap((e) => (e.type === 'probe-finished' && e.finished ? [e.finished.key] : []));
    expect(finishedKeys).toEqual(['stun', 'fragmentation']);
    // The ALG finding was there while the fragmentation probe still ran.
    expect(findingsWhen.stun).toContain('stun-address-rewritten');
    const stunEvent = events.find((e) => e.type === 'probe-finished' && e.finished?.key === 'stun') as Extract<ProgressEvent, { type: 'probe-finished' }>;
    expect(stunEvent.finished!.result).toEqual(result.pathProbes!.stun);
    // It carries exactly the trace events the probe cites, as the final trace holds them.
    const cited = new Set(result.pathProbes!.stun!.traceSeqs);
    expect(stunEvent.finished!.trace).toEqual(result.trace.filter((t) => cited.has(t.seq)));
    expect(stunEvent.finished!.trace.length).toBeGreaterThan(0);
    // Once every probe has ended, the live view holds what the final result holds.
    expect(shown!.pathProbes).toEqual(result.pathProbes);
    expect(findingsWhen.fragmentation).toEqual(diagnose(result).findings.map((f) => f.id));
  });
});
