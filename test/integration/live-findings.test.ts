// Live findings: each path probe's result leaves the engine as that probe ends, so the app's findings
// grow before the slowest probe is done. A STUN server whose answer shows a rewritten MAPPED-ADDRESS
// (an ALG) ends in milliseconds; the fragmentation probe against the registrar takes about a second.
import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { startRegistrar, type Fixture } from '../../electron/demo/registrar.js';
import { check } from '../../electron/engine/check.js';
import { defaultDeps } from '../../electron/engine/deps.js';
import { diagnose } from '../../shared/diagnosis/diagnose.js';
import { withFinishedProbe, type ProgressEvent } from '../../shared/model/progress.js';
import type { CheckResult } from '../../shared/model/results.js';
import { encodeAddress } from '../../shared/stun/attributes.js';
import { decodeStun, encodeStun } from '../../shared/stun/codec.js';
import { ATTR, METHOD_BINDING } from '../../shared/stun/message.js';
import { freeUdpPort } from './helpers.js';

const REWRITTEN = { address: '192.0.2.99', port: 9 };
const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

/** A one-address STUN server whose MAPPED-ADDRESS is "rewritten on the way" (XOR-MAPPED-ADDRESS is the truth). */
async function rewritingStunServer(): Promise<number> {
  const server = dgram.createSocket('udp4');
  server.on('message', (msg, r) => {
    const d = decodeStun(new Uint8Array(msg));
    if (!d.ok || d.message.cls !== 'request') return;
    const id = d.message.transactionId;
    const attributes = [{ type: ATTR.XOR_MAPPED_ADDRESS, value: encodeAddress({ address: r.address, port: r.port }, id) }, { type: ATTR.MAPPED_ADDRESS, value: encodeAddress(REWRITTEN) }];
    server.send(encodeStun({ cls: 'success', method: METHOD_BINDING, transactionId: id, attributes }), r.port, r.address);
  });
  await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', () => resolve()));
  closers.push(() => new Promise<void>((r) => server.close(() => r())));
  return server.address().port;
}

describe('live path-probe findings', () => {
  it('a probe\'s finding is diagnosable from the events as soon as it ends, before the last probe ends, and equals the final one', async () => {
    const fx: Fixture = await startRegistrar({ transports: ['udp', 'tcp'] });
    closers.push(() => fx.close());
    const stunPort = await rewritingStunServer();
    const events: ProgressEvent[] = [];
    // What the app shows: the matrix's result, then each finished probe joined to it (renderer/src/useRunBridge.ts).
    let shown: CheckResult | null = null;
    const findingsWhen: Record<string, string[]> = {};
    const result = await check({ server: '127.0.0.1', user: 'alice', password: 'secret', transports: ['udp', 'tcp'], ports: { udp: fx.ports.udp, tcp: fx.ports.tcp },
      fixedSourcePort: await freeUdpPort(), stun: { host: '127.0.0.1', port: stunPort } }, defaultDeps(), {
      onProgress: (e) => {
        events.push(e);
        if (e.type === 'matrix-finished') shown = e.result;
        if (e.type === 'probe-finished' && e.finished && shown) {
          shown = withFinishedProbe(shown, e.finished);
          findingsWhen[e.finished.key] = diagnose(shown).findings.map((f) => f.id);
        }
      },
    });
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
