// Safety accounting against misbehaving registrars, counted on the server's side: what it actually
// received, not what the engine believes it sent.
import { afterEach, describe, expect, it } from 'vitest';
import { startRegistrar, type Fixture, type FixtureOptions, type ReceivedRequest } from '../../electron/demo/registrar.js';
import { MAX_AUTH_FAILURES_PER_RUN, MAX_REQUESTS_PER_SECOND, RATE_WINDOW_MS } from '../../electron/engine/safety.js';
import { checkFixture } from './helpers.js';

let fx: Fixture | undefined;
const start = async (o: FixtureOptions): Promise<Fixture> => (fx = await startRegistrar(o));
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

/** Credentialed requests the server received, one per transaction (retransmissions share the Via branch). */
function credentialedTransactions(received: ReceivedRequest[]): string[] {
  const branches = received.filter((q) => /^Authorization:/im.test(q.text)).map((q) => /^Via:[^\r\n]*;branch=([^;\s]+)/im.exec(q.text)?.[1] ?? '');
  return [...new Set(branches)];
}

/** Most events in one window [t, t + windowMs) over every t. */
function busiestWindow(times: number[], windowMs: number): number {
  return Math.max(0, ...times.map((t) => times.filter((u) => u >= t && u < t + windowMs).length));
}

describe('failed authentications, as the server counts them', () => {
  it('a server that answers stale=true every time sees at most two credentialed requests, and the run reports them', async () => {
    const f = await start({ transports: ['udp', 'tcp'], behaviour: { udp: 'stale-always', tcp: 'stale-always' } });
    const r = await checkFixture(f);
    const seen = credentialedTransactions(f.received);
    expect(seen).toHaveLength(MAX_AUTH_FAILURES_PER_RUN);
    expect(r.authFailures).toBe(seen.length);
    // One attempt retried its stale nonce at once (its turn kept), then stopped; the others sent nothing.
    expect(r.attempts.filter((a) => a.outcome === 'auth-failed').map((a) => a.detail)).toEqual([expect.stringMatching(/stale=true twice/)]);
    expect(r.attempts.filter((a) => a.outcome === 'auth-skipped')).toHaveLength(r.attempts.length - 1);
  });

  it('a server that silently drops bad credentials gets at most two credentialed transactions', async () => {
    const f = await start({ transports: ['udp', 'tcp'], behaviour: { udp: 'drop-bad-credentials', tcp: 'drop-bad-credentials' }, users: { alice: 'right' } });
    const r = await checkFixture(f, { password: 'wrong' });
    const seen = credentialedTransactions(f.received);
    expect(seen).toHaveLength(MAX_AUTH_FAILURES_PER_RUN);
    expect(r.authFailures).toBe(MAX_AUTH_FAILURES_PER_RUN);
    expect(r.attempts.filter((a) => a.outcome === 'challenged-no-answer')).toHaveLength(MAX_AUTH_FAILURES_PER_RUN);
  }, 15_000);
});

describe('request rate', () => {
  it('never sends more than 8 requests in any 1-second window, retransmissions and all transports included', async () => {
    const f = await start({});
    const r = await checkFixture(f);
    expect(r.attempts.filter((a) => a.outcome === 'registered')).toHaveLength(r.attempts.length);
    const sent = r.trace.filter((e) => e.kind === 'sent').map((e) => e.t);
    expect(sent.length).toBeGreaterThan(2 * MAX_REQUESTS_PER_SECOND); // enough requests for the limit to matter
    expect(busiestWindow(sent, RATE_WINDOW_MS)).toBeLessThanOrEqual(MAX_REQUESTS_PER_SECOND);
    // The server's clock: arrival can lag a send by scheduling jitter, so its window is 5% shorter.
    expect(
      busiestWindow(
        f.received.map((q) => q.at),
        RATE_WINDOW_MS * 0.95,
      ),
    ).toBeLessThanOrEqual(MAX_REQUESTS_PER_SECOND);
  }, 15_000);
});
