// Lab: `sipladder check --hep` against a real Kamailio sipcapture collector on the server side; every
// SIP message of the run arrives, decoded by Kamailio, with its Call-ID and the addresses we put in HEP.
import { afterAll, describe, expect, it } from 'vitest';
import { fromBase64 } from '../../shared/hash/utf8.js';
import type { CheckResult } from '../../shared/model/results.js';
import { parseMessage } from '../../shared/sip/parse.js';
import { HepCollector } from './hep-collector.js';
import { checkFromClient, labUnavailableReason, SERVER_IP } from './lab.js';
import { useLab } from './use-lab.js';

const unavailable = labUnavailableReason();
if (unavailable) console.warn(`lab tests skipped: ${unavailable}`);

/** Generous: the collector is local, but the machine is shared. */
const COLLECTOR_WAIT_MS = 10_000;

/** The SIP messages of a run's trace, as [method or status, Call-ID, source address]. */
function tracedMessages(result: CheckResult): string[][] {
  return result.trace.flatMap((e) => {
    if ((e.kind !== 'sent' && e.kind !== 'received') || !e.bytes) return [];
    const parsed = parseMessage(fromBase64(e.bytes));
    const m = parsed.ok ? parsed.message : undefined;
    if (!m) return [];
    const source = e.kind === 'sent' ? e.local! : e.remote!;
    return [[m.kind === 'request' ? m.method : String(m.status), m.callId ?? '', `${source.address}:${source.port}`]];
  });
}

describe.skipIf(unavailable !== null)('lab: HEP v3 to Kamailio sipcapture', () => {
  const collector = new HepCollector();
  useLab({ kamailio: true, processes: [collector.process] });
  afterAll(() => collector.dispose());

  it('every traced SIP message reaches sipcapture with its Call-ID, method or status and source address', async () => {
    const { code, result } = await checkFromClient(['--skip-path-probes', '--hep', collector.address]);
    expect(code).toBe(0);
    const expected = tracedMessages(result);
    // 5 attempts, each REGISTER → 401 → REGISTER → 200 → REGISTER (Expires 0) → 200.
    expect(expected.length).toBeGreaterThanOrEqual(30);
    const t0 = performance.now();
    const received = await collector.waitForMessages(expected.length, COLLECTOR_WAIT_MS);
    console.log(
      `HEP lab: ${received.length} of ${expected.length} SIP messages (${new Set(expected.map((m) => m[1])).size} Call-IDs) logged by sipcapture, the last ${Math.round(performance.now() - t0)} ms after the check ended`,
    );
    expect(received.map((m) => [m.what, m.callId, m.source]).sort()).toEqual([...expected].sort());
    // Both directions: our private address behind the NAT, and the registrar's.
    expect(received.some((m) => m.source.startsWith('192.168.77.2:'))).toBe(true);
    expect(received.some((m) => m.source === `${SERVER_IP}:5060`)).toBe(true);
    expect(new Set(received.map((m) => m.callId)).size).toBe(new Set(expected.map((m) => m[1])).size);
  });
});
