// The main process's side of the page's registration: the budget it grants is what the run left,
// what the page sends is validated, and the attempt joins the run after the engine's.
import { describe, expect, it } from 'vitest';
import { BrowserAttempts } from '../../electron/webrtc/browser-attempts.js';
import type { CheckResult } from '../../shared/model/results.js';
import type { BrowserRegistration } from '../../shared/webrtc/browser-attempt.js';
import { attemptResult, checkResult } from '../builders.js';

const engineRun = (authFailures: number): CheckResult =>
  checkResult({
    startedAt: '2026-01-01T00:00:00Z',
    durationMs: 400,
    authFailures,
    account: { server: 's', domain: 's', user: 'alice', authUser: 'alice', transports: ['ws'], passwordGiven: true },
    attempts: [
      attemptResult({
        id: 3,
        label: 'WS',
        transport: 'ws',
        target: { host: 's', address: '192.0.2.1', port: 80 },
        durationMs: 30,
        requestsSent: 3,
        traceSeqs: [7],
      }),
    ],
    trace: [{ seq: 7, t: 5, attempt: 3, kind: 'socket', note: 'connected' }],
  });

const failedToConnect: BrowserRegistration = { outcome: 'reset', detail: 'no WebSocket', connected: false, durationMs: 12, messages: [] };

function service(result: CheckResult, handshake: () => Promise<number | null> = () => Promise.resolve(403)) {
  const runs = new Map([['r', result]]);
  const calls: string[] = [];
  const attempts = new BrowserAttempts({ result: (id) => runs.get(id), replace: (id, r) => void runs.set(id, r) }, (h) => {
    calls.push(`${h.url} ${h.origin}`);
    return handshake();
  });
  return { attempts, runs, calls };
}

describe('BrowserAttempts', () => {
  it('grants what the run left of the 2 failed authentications: nothing after 2, one at a time before', async () => {
    expect(await service(engineRun(2)).attempts.grant('r')).toBe(false);
    const { attempts } = service(engineRun(1));
    expect(await attempts.grant('r')).toBe(true);
    attempts.settle('r', 'unaccepted');
    expect(await attempts.grant('r')).toBe(false);
  });

  it("joins the attempt after the engine's (next id and seq), with the Origin handshake when the browser could not connect", async () => {
    const { attempts, runs, calls } = service(engineRun(0));
    const joined = await attempts.attach('r', failedToConnect, { url: 'ws://192.0.2.1:8081/', origin: 'http://page.test' });
    expect(calls).toEqual(['ws://192.0.2.1:8081/ http://page.test']);
    expect(joined.attempts.map((a) => a.id)).toEqual([3, 4]);
    expect(joined.attempts[1]!.browser).toEqual({ origin: 'http://page.test', connected: false, originHandshakeStatus: 403 });
    expect(joined.trace.filter((e) => e.attempt === 4).map((e) => e.seq)).toEqual([8, 9]);
    expect(runs.get('r')).toBe(joined);
  });

  it("counts the page's failed authentication in the run", async () => {
    const { attempts } = service(engineRun(1));
    await attempts.grant('r');
    attempts.settle('r', 'unaccepted');
    const joined = await attempts.attach(
      'r',
      { ...failedToConnect, outcome: 'auth-failed', connected: true, status: 403 },
      { url: 'wss://s/', origin: 'app://sipladder' },
    );
    expect(joined.authFailures).toBe(2);
  });

  it('refuses what is not a registration from the page, and runs it does not have', async () => {
    const { attempts } = service(engineRun(0));
    const flood = { ...failedToConnect, messages: Array.from({ length: 33 }, () => ({ t: 0, direction: 'sent', text: 'x' })) };
    await expect(attempts.attach('r', flood, { url: 'ws://s/', origin: 'o' })).rejects.toThrow();
    await expect(attempts.attach('r', { ...failedToConnect, password: 'x' }, { url: 'ws://s/', origin: 'o' })).rejects.toThrow();
    await expect(attempts.grant('other')).rejects.toThrow(/not finished/);
  });
});
