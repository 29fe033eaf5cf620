// The ring test against the local fixture registrar: a scripted caller sends the INVITE to the
// registered Contact while the engine waits; the call is never accepted and the binding is removed.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startRegistrar, type Fixture } from '../../electron/demo/registrar.js';
import { defaultDeps } from '../../electron/engine/deps.js';
import { ringTest } from '../../electron/engine/ring/ring-test.js';
import { diagnoseRing } from '../../shared/diagnosis/rules-ring.js';
import type { CheckOptions } from '../../shared/model/check-options.js';
import type { RingProgress } from '../../shared/model/ring.js';
import { placeCall, type CallOptions, type CallOutcome } from '../lab/ring-caller.js';
import { runCli } from './helpers.js';

let fx: Fixture;
beforeEach(async () => {
  fx = await startRegistrar({ transports: ['udp'] });
});
afterEach(() => fx.close());

const options = (): CheckOptions => ({ server: '127.0.0.1', user: 'alice', password: 'secret', transports: ['udp'], ports: { udp: fx.ports.udp } });

/** The Contact the fixture holds for alice, once the ring test says it is waiting. */
function registeredContact(): { uri: string; address: string; port: number } {
  const raw = [...(fx.bindings.get('alice') ?? [])][0] ?? '';
  const m = /<(sip:alice@([\d.]+):(\d+)[^>]*)>/.exec(raw);
  if (!m) throw new Error(`no binding for alice: ${raw}`);
  return { uri: m[1]!, address: m[2]!, port: Number(m[3]) };
}

/** Starts the ring test and places a call each time it asks for one (the first `calls` times). */
async function ringWithCall(call: Partial<CallOptions> | null, waitS = 20, signal?: AbortSignal, idleS: number[] = [], calls = 1) {
  const callers: Array<Promise<CallOutcome>> = [];
  const progress: RingProgress['type'][] = [];
  const result = await ringTest(
    options(),
    waitS,
    defaultDeps(),
    {
      signal,
      onProgress: (e) => {
        progress.push(e.type);
        if (e.type !== 'waiting' || !call || callers.length >= calls) return;
        const c = registeredContact();
        callers.push(placeCall({ bind: '127.0.0.1', to: { address: c.address, port: c.port }, requestUri: c.uri, ...call }));
      },
    },
    idleS,
  );
  const outcomes = await Promise.all(callers);
  return { result, call: outcomes[0], outcomes, progress };
}

describe('ring test', () => {
  it('an INVITE arrives: 100, 180, then 486 (never accepted), the ACK is absorbed, the binding is removed', async () => {
    const { result, call, progress } = await ringWithCall({});
    expect(call).toMatchObject({ statuses: [100, 180, 486], acked: true });
    expect(result.outcome).toBe('invite-arrived');
    expect(result.invites).toHaveLength(1);
    const invite = result.invites[0]!;
    expect(invite).toMatchObject({ finalStatus: 486, acked: true, cancelled: false, transport: 'udp', fromRegistrar: false, sdpAddress: '127.0.0.1' });
    expect(invite.requestUri).toBe(result.registration!.contact);
    expect(invite.afterRegistrationMs).toBeGreaterThanOrEqual(0);
    expect(result.registration).toMatchObject({ received: '127.0.0.1', grantedExpiresS: expect.any(Number) });
    expect(result.unregistered).toBe(true);
    expect(fx.bindings.get('alice')?.size).toBe(0);
    expect(progress).toEqual(expect.arrayContaining(['waiting', 'invite', 'unregistering']));
    // The wait ends with the call, not at the 20 s bound.
    expect(result.waitedMs).toBeLessThan(10_000);
    const ids = diagnoseRing(result).findings.map((f) => f.id);
    expect(ids).toEqual(['ring-invite-arrived', 'ring-invite-from-other-address']);
    expect(JSON.stringify(result)).not.toContain('secret');
  });

  it('repeats after an idle period: a second call after 1 s of quiet arrives; one never placed is reported as lost', async () => {
    const both = await ringWithCall({}, 10, undefined, [1], 2);
    expect(both.outcomes.map((o) => o.statuses)).toEqual([
      [100, 180, 486],
      [100, 180, 486],
    ]);
    expect(both.progress.filter((t) => t === 'waiting' || t === 'idle')).toEqual(['waiting', 'idle', 'waiting']);
    expect(both.result.rounds).toEqual([expect.objectContaining({ idleS: 1, arrived: true })]);
    expect(both.result.rounds[0]!.quietAtPromptS).toBeGreaterThanOrEqual(0.9);
    expect(diagnoseRing(both.result).findings.map((f) => f.id)).not.toContain('ring-idle-call-lost');
    const one = await ringWithCall({}, 2, undefined, [1], 1);
    expect(one.result.rounds).toEqual([expect.objectContaining({ idleS: 1, arrived: false })]);
    expect(diagnoseRing(one.result).findings.map((f) => f.id)).toContain('ring-idle-call-lost');
    expect(one.result.unregistered).toBe(true);
  });

  it('CANCEL while ringing: 200 to the CANCEL, 487 to the INVITE', async () => {
    const { result, call } = await ringWithCall({ cancelOnRinging: true });
    expect(call).toMatchObject({ statuses: [100, 180, 487], cancelStatus: 200, acked: true });
    expect(result.invites[0]).toMatchObject({ cancelled: true, finalStatus: 487, acked: true });
  });

  it('no call within the wait: no-invite, the binding is removed', async () => {
    const { result } = await ringWithCall(null, 1);
    expect(result.outcome).toBe('no-invite');
    expect(result.waitedMs).toBeGreaterThanOrEqual(950);
    expect(result.unregistered).toBe(true);
    expect(diagnoseRing(result).findings.map((f) => f.id)).toEqual(['ring-no-invite']);
  });

  it('cancelled while waiting: unregisters anyway', async () => {
    const abort = new AbortController();
    const run = ringTest(options(), 60, defaultDeps(), { signal: abort.signal, onProgress: (e) => e.type === 'waiting' && abort.abort() });
    const result = await run;
    expect(result.outcome).toBe('cancelled');
    expect(result.unregistered).toBe(true);
    expect(fx.bindings.get('alice')?.size).toBe(0);
  });

  it('wrong password: not registered, at most two credentialed requests', async () => {
    const result = await ringTest({ ...options(), password: 'wrong' }, 5, defaultDeps());
    expect(result.outcome).toBe('not-registered');
    expect(fx.received.filter((r) => /Authorization:/i.test(r.text)).length).toBeLessThanOrEqual(2);
    expect(diagnoseRing(result).findings.map((f) => f.id)).toEqual(['ring-not-registered']);
  });

  it('sipladder ring: instructions, --wait bound, usage errors', async () => {
    const bad = await runCli(['ring', '--server', '127.0.0.1', '--user', 'alice', '--wait', '999']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--wait must be 1 to 300 seconds/);
    const run = await runCli(['ring', '--server', '127.0.0.1', '--port', String(fx.ports.udp), '--user', 'alice', '--password-env', 'PW', '--wait', '1'], {
      env: { PW: 'secret' },
    });
    expect(run.stderr).toMatch(/Call alice@127\.0\.0\.1 now from another phone; waiting up to 1 s/);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/No incoming call arrived within 1 s/);
    expect(run.stdout).toMatch(/Registration removed: yes/);
  });
});
