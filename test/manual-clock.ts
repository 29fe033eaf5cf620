// A clock that only moves when told to: timers fire in order as a test advances it.
import type { Clock } from '../electron/engine/deps.js';

export type ManualClock = Clock & { advance(ms: number): Promise<void> };

export function manualClock(): ManualClock {
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
      await settle(); // code started just before (awaiting a resolved promise) arms its timers first
      for (;;) {
        const due = timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        timers = timers.filter((t) => t !== due);
        now = due.at;
        due.fn();
        await settle();
      }
      now = end;
    },
  };
}

/** Lets woken code run (and arm its next timer) before the clock moves on. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}
