// Guards that keep the tool from looking like an attack or getting the user banned.
import { sleep, type Clock } from './deps.js';

/**
 * Requests per second per server address, retransmissions included. Kamailio's pike module
 * blocks by default at 30 requests per 2 s from one source; we stay at about half of that.
 */
export const MAX_REQUESTS_PER_SECOND = 8;
export const REQUEST_BURST = 8;

/** Failed authentications allowed per run across all transports (servers ban after ~3). */
export const MAX_AUTH_FAILURES_PER_RUN = 2;

/** Token bucket per server address. */
export class RateLimiter {
  private buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly clock: Clock, private readonly rate = MAX_REQUESTS_PER_SECOND, private readonly burst = REQUEST_BURST) {}

  /** Waits until a request to `server` may be sent. */
  async take(server: string, signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      const b = this.buckets.get(server) ?? { tokens: this.burst, at: now };
      b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.rate);
      b.at = now;
      this.buckets.set(server, b);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return;
      }
      await sleep(this.clock, ((1 - b.tokens) / this.rate) * 1000, signal);
    }
  }
}

export type AuthVerdict = 'accepted' | 'rejected' | 'unknown';

/**
 * Serialises the first authenticated requests of a run: until one set of credentials has been
 * accepted, only one attempt at a time may send them, so a wrong password costs at most
 * MAX_AUTH_FAILURES_PER_RUN failures however many transports are probed.
 */
export class AuthGate {
  private failures = 0;
  private accepted = false;
  private inFlight: Promise<void> | null = null;
  private release: (() => void) | null = null;

  constructor(private readonly maxFailures = MAX_AUTH_FAILURES_PER_RUN) {}

  get failureCount(): number {
    return this.failures;
  }

  /** True when the caller may send credentials; false when the budget is spent. */
  async acquire(signal?: AbortSignal): Promise<boolean> {
    for (;;) {
      if (signal?.aborted) throw signal.reason;
      if (this.failures >= this.maxFailures) return false;
      if (this.accepted) return true;
      if (!this.inFlight) {
        this.inFlight = new Promise((r) => (this.release = r));
        return true;
      }
      await raceAbort(this.inFlight, signal);
    }
  }

  /** Reports how the server took the credentials sent after acquire() returned true. */
  settle(verdict: AuthVerdict): void {
    if (verdict === 'accepted') this.accepted = true;
    if (verdict === 'rejected') this.failures++;
    const release = this.release;
    this.inFlight = null;
    this.release = null;
    release?.();
  }
}

function raceAbort(p: Promise<void>, signal?: AbortSignal): Promise<void> {
  if (!signal) return p;
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}
