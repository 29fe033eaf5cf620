// Guards that keep the tool from looking like an attack or getting the user banned.
import { sleep, type Clock } from './deps.js';

/**
 * Requests per server address in any window of RATE_WINDOW_MS, retransmissions included.
 * Kamailio's pike module blocks by default at 30 requests per 2 s from one source; we stay at
 * about half of that in every window, not just on average (a token bucket lets a burst plus a
 * full refill through within one second).
 */
export const MAX_REQUESTS_PER_SECOND = 8;
export const RATE_WINDOW_MS = 1000;
/**
 * Slots are spaced by the window plus this margin: a request leaves the socket a little after its
 * slot (serialising, tracing), and that delay differs between requests.
 */
export const RATE_MARGIN_MS = 20;
/** Timers may fire a little early (libuv caches its clock); re-waiting that remainder is bounded. */
const MAX_EARLY_WAKES = 5;

/** Credentialed requests per run that may end unaccepted, across all transports (servers ban after ~3). */
export const MAX_AUTH_FAILURES_PER_RUN = 2;

/**
 * Sliding-window limiter per server address: the n-th request to an address is sent no earlier
 * than RATE_WINDOW_MS (+ RATE_MARGIN_MS) after the (n - max)-th. Slots are reserved in call order, so waiting is
 * first come, first served and needs no polling loop.
 */
export class RateLimiter {
  /** Reserved send times per address, the last `max` only (older ones no longer constrain). */
  private slots = new Map<string, number[]>();

  constructor(
    private readonly clock: Clock,
    private readonly max = MAX_REQUESTS_PER_SECOND,
    private readonly windowMs = RATE_WINDOW_MS,
  ) {}

  /** Waits until a request to `server` may be sent. */
  async take(server: string, signal?: AbortSignal): Promise<void> {
    const now = this.clock.now();
    const reserved = this.slots.get(server) ?? [];
    const at = reserved.length < this.max ? now : Math.max(now, reserved[reserved.length - this.max]! + this.windowMs + RATE_MARGIN_MS);
    reserved.push(at);
    if (reserved.length > this.max) reserved.splice(0, reserved.length - this.max);
    this.slots.set(server, reserved);
    // An aborted waiter keeps its slot: the limiter may be slower than needed, never faster.
    for (let i = 0, left = at - now; left > 0 && i < MAX_EARLY_WAKES; i++, left = at - this.clock.now()) await sleep(this.clock, Math.max(1, left), signal);
  }
}

/**
 * How the server took one credentialed request: `accepted` (2xx, or anything that shows the
 * credentials passed, RFC 3261 §10.3 step 3), `unaccepted` (rejected, stale=true, or no answer:
 * a server may count each as a failed login), or `unsent` (nothing left the socket).
 */
export type AuthVerdict = 'accepted' | 'unaccepted' | 'unsent';

/**
 * The run's budget of credentialed requests that the server did not accept. Every credentialed
 * request holds one unit of the budget while it is in flight, so the budget can never be
 * exceeded, even by requests that are answered late or never. Until one set of credentials has
 * been accepted, only one request at a time may carry them.
 */
export class AuthGate {
  private unaccepted = 0;
  private pending = 0;
  private accepted = false;
  private waiters: Array<() => void> = [];

  constructor(private readonly maxFailures = MAX_AUTH_FAILURES_PER_RUN) {}

  /** Credentialed requests of this run that were not accepted (what results report as authFailures). */
  get failureCount(): number {
    return this.unaccepted;
  }

  /**
   * True when the caller may send one credentialed request (and must then call settle() once);
   * false when the budget is spent. Each wait ends at a settle(), and there is one settle() per
   * granted request, so the loop runs at most once per credentialed request of the run.
   */
  async acquire(signal?: AbortSignal): Promise<boolean> {
    for (;;) {
      if (signal?.aborted) throw signal.reason;
      if (this.unaccepted >= this.maxFailures) return false;
      const concurrent = this.accepted ? this.maxFailures : 1;
      if (this.pending < concurrent && this.unaccepted + this.pending < this.maxFailures) {
        this.pending++;
        return true;
      }
      await raceAbort(new Promise<void>((r) => this.waiters.push(r)), signal);
    }
  }

  /**
   * Reports how the server took the request sent after acquire() returned true. With `keepTurn`
   * (a stale=true answer the same attempt retries at once, RFC 7616 §3.3) the caller keeps its slot
   * for that retry when the budget allows; returns whether it did. A kept slot is settled again.
   */
  settle(verdict: AuthVerdict, keepTurn = false): boolean {
    if (verdict === 'accepted') this.accepted = true;
    if (verdict === 'unaccepted') this.unaccepted++;
    if (keepTurn && this.unaccepted + this.pending <= this.maxFailures) return true;
    this.pending--;
    const waiting = this.waiters;
    this.waiters = [];
    for (const wake of waiting) wake();
    return false;
  }
}

function raceAbort(p: Promise<void>, signal?: AbortSignal): Promise<void> {
  if (!signal) return p;
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    // A waiter's promise only ever resolves (settle() wakes it), so nothing is left unhandled.
    void p.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}
