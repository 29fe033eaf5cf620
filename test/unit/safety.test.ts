import { describe, expect, it } from 'vitest';
import type { Clock } from '../../electron/engine/deps.js';
import { AuthGate, RateLimiter } from '../../electron/engine/safety.js';

/** A clock that only moves when told to. */
function manualClock(): Clock & { advance(ms: number): Promise<void> } {
  let now = 0;
  let timers: Array<{ at: number; fn: () => void }> = [];
  return {
    now: () => now,
    setTimer: (fn, ms) => {
      const t = { at: now + ms, fn };
      timers.push(t);
      return () => void (timers = timers.filter((x) => x !== t));
    },
    advance: async (ms) => {
      const end = now + ms;
      for (;;) {
        const due = timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        timers = timers.filter((t) => t !== due);
        now = due.at;
        due.fn();
        await new Promise((r) => setImmediate(r));
      }
      now = end;
    },
  };
}

describe('RateLimiter', () => {
  it('lets a burst through, then paces requests per server', async () => {
    const clock = manualClock();
    const rl = new RateLimiter(clock, 4, 2);
    const sentAt: number[] = [];
    const all = Promise.all(Array.from({ length: 6 }, () => rl.take('192.0.2.1').then(() => sentAt.push(clock.now()))));
    await rl.take('198.51.100.1'); // another server has its own bucket
    await clock.advance(2000);
    await all;
    expect(sentAt.slice(0, 2)).toEqual([0, 0]);
    expect(sentAt.at(-1)).toBeGreaterThanOrEqual(1000); // 4 more at 4/s
  });
});

describe('AuthGate', () => {
  it('lets one attempt authenticate at a time until credentials are accepted', async () => {
    const gate = new AuthGate(2);
    expect(await gate.acquire()).toBe(true);
    let second = false;
    const p = gate.acquire().then((v) => (second = v));
    await new Promise((r) => setImmediate(r));
    expect(second).toBe(false); // still waiting
    gate.settle('accepted');
    await p;
    expect(second).toBe(true);
    expect(await gate.acquire()).toBe(true); // accepted: no more serialising
  });

  it('refuses after two rejections, however many attempts wait', async () => {
    const gate = new AuthGate(2);
    const results: boolean[] = [];
    const waiting = Array.from({ length: 5 }, () => gate.acquire().then((ok) => {
      results.push(ok);
      if (ok) gate.settle('rejected');
    }));
    await Promise.all(waiting);
    expect(results.filter(Boolean)).toHaveLength(2);
    expect(gate.failureCount).toBe(2);
  });

  it('does not count silence as a rejection', async () => {
    const gate = new AuthGate(2);
    await gate.acquire();
    gate.settle('unknown');
    expect(gate.failureCount).toBe(0);
    expect(await gate.acquire()).toBe(true);
  });
});
