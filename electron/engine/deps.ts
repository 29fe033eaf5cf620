// Everything a probe touches in the outside world, injected so tests can replace it.
import { randomBytes } from 'node:crypto';
import type { RandomBytes } from '../../shared/sip/ids.js';
import { nodeResolver, type Resolver } from './dns.js';
import { openChannel, type OpenChannel } from './transports/open.js';
import { openUdpEndpoint, type OpenUdpEndpoint } from './transports/udp-endpoint.js';

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
  openUdpEndpoint: OpenUdpEndpoint;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  setTimer: (fn, ms) => {
    const h = setTimeout(fn, ms);
    return () => clearTimeout(h);
  },
};

export function defaultDeps(): EngineDeps {
  return { clock: systemClock, random: (n) => new Uint8Array(randomBytes(n)), resolver: nodeResolver(), openChannel, openUdpEndpoint };
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

/**
 * A wait that ends after `ms`, on abort, or when `wake()` is called (e.g. a message arrived),
 * whichever is first; the timer and the abort listener are always released.
 */
export function interruptibleWait(clock: Clock, ms: number, signal: AbortSignal): { done: Promise<void>; wake: () => void } {
  let wake = (): void => undefined;
  const done = new Promise<void>((resolve) => {
    let cancel = (): void => undefined;
    wake = () => {
      cancel();
      signal.removeEventListener('abort', wake);
      resolve();
    };
    signal.addEventListener('abort', wake, { once: true });
    cancel = clock.setTimer(wake, Math.max(0, ms));
  });
  return { done, wake };
}
