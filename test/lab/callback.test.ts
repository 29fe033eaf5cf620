// Lab: the reflector's callback test through the NAT router. With the router's usual UDP timeouts
// every callback arrives; with a short timeout (accelerated: 4 s instead of minutes) the callback
// after a longer quiet time is lost, and the probe says after how long the router forgets the flow.
import { describe, expect, it } from 'vitest';
import type { diagnoseCallback } from '../../shared/diagnosis/rules-ring.js';
import type { CallbackResult } from '../../shared/model/ring.js';
import { labUnavailableReason, reflector, SERVER_IP2 } from './lab.js';
import { callbackFromClient, setUdpTimeouts } from './ring-lab.js';
import { useLab } from './use-lab.js';

const unavailable = labUnavailableReason();
if (unavailable) console.warn(`lab tests skipped: ${unavailable}`);

const SHORT_UDP_TIMEOUT_S = 4;

async function callback(delays: string) {
  const run = await callbackFromClient(['--callback', delays, '--reflector', `${SERVER_IP2}:5099`]);
  const result = JSON.parse(run.stdout) as CallbackResult & { diagnosis: ReturnType<typeof diagnoseCallback> };
  console.log(
    `callback ${delays}: ${run.wallMs} ms wall; quiet ${result.probes.map((p) => `${p.delayS}→${p.quietS} s ${p.inviteArrived ? 'arrived' : 'missing'}`).join(', ')}`,
  );
  return { run, result };
}

describe.skipIf(unavailable !== null)('lab: reflector callback through the NAT', () => {
  useLab({ processes: [reflector(SERVER_IP2)] });

  it('usual router timeouts: the callbacks after 2 and 8 s both arrive, unchanged', async () => {
    const { run, result } = await callback('2,8');
    expect(run.code, run.stderr).toBe(0);
    expect(result.probes.map((p) => [p.delayS, p.optionsArrived, p.inviteArrived, p.rewritten.length])).toEqual([
      [2, true, true, 0],
      [8, true, true, 0],
    ]);
    expect(result.closedByS).toBeUndefined();
    expect(result.diagnosis.findings).toEqual([]);
  }, 60_000);

  it('a router that forgets idle UDP mappings after 4 s: the callback after a longer quiet time is lost, the lifetime is bracketed', async () => {
    const old = setUdpTimeouts(SHORT_UDP_TIMEOUT_S);
    try {
      const { run, result } = await callback('2,12');
      expect(run.code, run.stderr).toBe(0);
      expect(result.probes.map((p) => [p.delayS, p.inviteArrived])).toEqual([
        [2, true],
        [12, false],
      ]);
      expect(result.openAtLeastS).toBeLessThan(SHORT_UDP_TIMEOUT_S);
      expect(result.closedByS).toBeGreaterThan(SHORT_UDP_TIMEOUT_S);
      const f = result.diagnosis.findings.find((x) => x.id === 'callback-binding-expired');
      expect(f?.title).toMatch(/forgets the way back after/);
    } finally {
      setUdpTimeouts(old.udp);
    }
  }, 60_000);
});
