// Everything a probe touches in the outside world, injected so tests can replace it.
import { randomBytes } from 'node:crypto';
import type { RandomBytes } from '../../shared/sip/ids.js';
import { nodeResolver, type Resolver } from './dns.js';
import { openChannel, type OpenChannel } from './transports/open.js';

export interface Clock {
  /** Monotonic milliseconds. */
  now(): number;
  /** Calls fn after ms; returns a cancel function. */
  setTimer(fn: () => void, ms: number): () => void;
}

export interface EngineDeps {
  clock: Clock;
  random: RandomBytes;
  resolver: Resolver;
  openChannel: OpenChannel;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  setTimer: (fn, ms) => {
    const h = setTimeout(fn, ms);
    return () => clearTimeout(h);
  },
};

export function defaultDeps(): EngineDeps {
  return { clock: systemClock, random: (n) => new Uint8Array(randomBytes(n)), resolver: nodeResolver(), openChannel };
}

/** Resolves after ms, or rejects early (with the abort reason) if the signal fires. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      cancel();
      reject(signal!.reason);
    };
    const cancel = clock.setTimer(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
