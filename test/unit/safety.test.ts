import { describe, expect, it } from 'vitest';
import { AuthGate, RateLimiter } from '../../electron/engine/safety.js';
import { manualClock } from '../manual-clock.js';

describe('RateLimiter', () => {
  /** Largest number of times that fall in one window [t, t + windowMs), over every t. */
  const busiestWindow = (times: number[], windowMs: number): number => Math.max(0, ...times.map((t) => times.filter((u) => u >= t && u < t + windowMs).length));

  it('never lets more than 8 requests to one server into any 1-second window', async () => {
    const clock = manualClock();
    const rl = new RateLimiter(clock);
    const sentAt: number[] = [];
    // Requests arriving in waves (as retransmissions of several attempts do), not all at once.
    const waves = [0, 300, 700, 950, 1400, 2100];
    const all: Array<Promise<unknown>> = [];
    for (const w of waves) {
      await clock.advance(w - clock.now());
      for (let i = 0; i < 5; i++) all.push(rl.take('192.0.2.1').then(() => sentAt.push(clock.now())));
      await new Promise((r) => setImmediate(r)); // let the requests that need no wait record their time
    }
    await clock.advance(10_000);
    await Promise.all(all);
    expect(sentAt).toHaveLength(30);
    expect(busiestWindow(sentAt, 1000)).toBe(8);
    expect(sentAt.slice(0, 8).every((t) => t < 1000)).toBe(true); // no needless waiting before the limit
  });

  it('keeps a separate window per server address', async () => {
    const clock = manualClock();
    const rl = new RateLimiter(clock);
    for (let i = 0; i < 8; i++) await rl.take('192.0.2.1');
    let other = false;
    void rl.take('198.51.100.1').then(() => (other = true));
    let ninth = false;
    void rl.take('192.0.2.1').then(() => (ninth = true));
    await clock.advance(0);
    expect(other).toBe(true);
    expect(ninth).toBe(false);
    await clock.advance(999);
    expect(ninth).toBe(false);
    await clock.advance(100);
    expect(ninth).toBe(true);
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

  it('refuses after two unaccepted requests, however many attempts wait', async () => {
    const gate = new AuthGate(2);
    const results: boolean[] = [];
    const waiting = Array.from({ length: 5 }, () =>
      gate.acquire().then((ok) => {
        results.push(ok);
        if (ok) gate.settle('unaccepted');
      }),
    );
    await Promise.all(waiting);
    expect(results.filter(Boolean)).toHaveLength(2);
    expect(gate.failureCount).toBe(2);
  });

  it('counts silence and stale answers as unaccepted; a request never sent costs nothing', async () => {
    const gate = new AuthGate(2);
    await gate.acquire();
    gate.settle('unsent');
    expect(gate.failureCount).toBe(0);
    await gate.acquire();
    gate.settle('unaccepted');
    expect(gate.failureCount).toBe(1);
  });

  it('after acceptance, never has more requests in flight than the budget left', async () => {
    const gate = new AuthGate(2);
    await gate.acquire();
    gate.settle('accepted');
    expect(await gate.acquire()).toBe(true);
    expect(await gate.acquire()).toBe(true);
    let third = false;
    const p = gate.acquire().then((v) => (third = v));
    await new Promise((r) => setImmediate(r));
    expect(third).toBe(false); // two in flight could both end unaccepted
    gate.settle('unaccepted');
    gate.settle('unaccepted');
    expect(await p).toBe(false);
  });

  it('a binding the server accepted keeps a slot for its removal, whatever other attempts spend', async () => {
    const gate = new AuthGate(2);
    expect(await gate.acquire()).toBe(true);
    expect(gate.settle('accepted', true)).toBe(true); // registered: the turn is kept for the removal
    expect(await gate.acquire()).toBe(true); // another attempt authenticates and fails
    gate.settle('unaccepted');
    let other: boolean | undefined;
    const waiting = gate.acquire().then((v) => (other = v));
    await new Promise((r) => setImmediate(r));
    expect(other).toBeUndefined(); // it may not take the removal's slot
    gate.settle('accepted'); // the removal, sent with the kept turn, is accepted
    expect(await waiting).toBe(true);
    gate.settle('unaccepted');
    expect(gate.failureCount).toBe(2);
  });

  it('keeps a turn for a stale retry only while the budget allows it', async () => {
    const gate = new AuthGate(2);
    expect(await gate.acquire()).toBe(true);
    let other = false;
    const waiting = gate.acquire().then((v) => (other = v));
    expect(gate.settle('unaccepted', true)).toBe(true); // kept: 1 unaccepted + this slot ≤ 2
    await new Promise((r) => setImmediate(r));
    expect(other).toBe(false); // nobody slipped in between
    expect(gate.settle('unaccepted', true)).toBe(false); // the budget is spent: the turn goes back
    expect(await waiting).toBe(false);
    expect(gate.failureCount).toBe(2);
  });
});
