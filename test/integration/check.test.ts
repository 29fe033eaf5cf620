// The engine against a fixture registrar on 127.0.0.1 that behaves, and that misbehaves.
import { afterEach, describe, expect, it } from 'vitest';
import { startRegistrar, type Fixture, type FixtureOptions } from '../../electron/demo/registrar.js';
import { byLabel, checkFixture, outcomes } from './helpers.js';
import { diagnose } from '../../shared/diagnosis/diagnose.js';

let fx: Fixture | undefined;
const start = async (o: FixtureOptions = {}): Promise<Fixture> => (fx = await startRegistrar(o));
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

describe('check against a healthy registrar', () => {
  it('registers over UDP (every source-port variant), TCP, TLS, WS and WSS, then removes each binding', async () => {
    const f = await start();
    const r = await checkFixture(f);
    expect(new Set(r.attempts.map((a) => a.outcome))).toEqual(new Set(['registered']));
    expect(r.attempts.map((a) => a.transport).sort()).toEqual(['tcp', 'tls', 'udp', 'udp', 'udp', 'ws', 'wss']);
    expect(r.attempts.find((a) => a.transport === 'wss')!.tls).toMatchObject({ verified: true });
    // RFC 7118 §5.2: WebSocket clients use an .invalid host in Via and Contact.
    expect(f.received.find((q) => q.transport === 'ws')!.text).toMatch(/^Via: SIP\/2\.0\/WS [0-9a-f]+\.invalid;/m);
    expect(r.attempts.every((a) => a.unregistered === true)).toBe(true);
    expect([...f.bindings.get('alice')!]).toEqual([]);
    // Never the wildcard that would remove every device's binding.
    expect(f.received.some((q) => /^Contact:\s*\*/im.test(q.text))).toBe(false);
    expect(r.authFailures).toBe(0);
    expect(diagnose(r).findings).toEqual([]); // no false alarms on a healthy path
  });

  it('reports what the server saw: received/rport only when rport was asked for', async () => {
    const f = await start({ transports: ['udp'] });
    const r = await checkFixture(f);
    const withRport = byLabel(r, 'UDP from an ephemeral port');
    expect(withRport.via).toMatchObject({ rportRequested: true, received: '127.0.0.1', rport: withRport.localPort });
    const without = byLabel(r, 'UDP from an ephemeral port, no rport');
    expect(without.via?.rportRequested).toBe(false);
    expect(without.via?.rport).toBeUndefined();
  });

  it('keeps the password out of the results and masks the digest response in the trace', async () => {
    const f = await start({ users: { alice: 'Tr0ub4dor&3-unique' } });
    const r = await checkFixture(f, { password: 'Tr0ub4dor&3-unique' });
    expect(r.attempts.some((a) => a.outcome === 'registered')).toBe(true);
    const json = JSON.stringify(r);
    expect(json).not.toContain('Tr0ub4dor');
    const decoded = r.trace
      .filter((e) => e.bytes)
      .map((e) => Buffer.from(e.bytes!, 'base64').toString('utf8'))
      .join('\n');
    expect(decoded).toMatch(/Authorization: Digest [^\n]*response="\*{32}"/);
    expect(decoded).not.toContain('Tr0ub4dor');
  });

  it('retries once with Min-Expires after 423 Interval Too Brief', async () => {
    const f = await start({ transports: ['tcp'], minExpires: 300 });
    const r = await checkFixture(f);
    expect(byLabel(r, 'TCP').outcome).toBe('registered');
    expect(f.received.some((q) => /^Expires: 300/m.test(q.text))).toBe(true);
  });
});

describe('credentials', () => {
  it('stops after two failed authentications across all transports', async () => {
    const f = await start({ users: { alice: 'right' } });
    const r = await checkFixture(f, { password: 'wrong' });
    expect(r.authFailures).toBe(2);
    const authenticated = f.received.filter((q) => /^Authorization:/im.test(q.text));
    expect(authenticated).toHaveLength(2);
    expect(r.attempts.filter((a) => a.outcome === 'auth-failed')).toHaveLength(2);
    expect(r.attempts.filter((a) => a.outcome === 'auth-skipped')).toHaveLength(r.attempts.length - 2);
  });

  it('sends no credentials when no password is given', async () => {
    const f = await start({ transports: ['tcp'] });
    const r = await checkFixture(f, { password: undefined });
    expect(byLabel(r, 'TCP').outcome).toBe('auth-skipped');
    expect(f.received.some((q) => /^Authorization:/im.test(q.text))).toBe(false);
  });

  it('answers SHA-256 challenges (RFC 8760)', async () => {
    const f = await start({ transports: ['udp'], algorithm: 'SHA-256' });
    const r = await checkFixture(f);
    expect(byLabel(r, 'UDP from an ephemeral port').outcome).toBe('registered');
  });

  it('treats 403 to every request as a rejection, not an auth failure', async () => {
    const f = await start({ transports: ['tcp'], behaviour: { tcp: 'forbidden' } });
    const r = await checkFixture(f);
    expect(byLabel(r, 'TCP')).toMatchObject({ outcome: 'rejected', status: 403 });
  });
});

describe('misbehaving servers', () => {
  it('tells "challenged, then silence" apart from plain silence', async () => {
    const f = await start({ transports: ['udp', 'tcp'], behaviour: { udp: 'silent', tcp: 'challenge-then-silent' } });
    const r = await checkFixture(f);
    expect(outcomes(r)).toEqual({
      'UDP from port N': 'no-response',
      'UDP from an ephemeral port': 'no-response',
      'UDP from an ephemeral port, no rport': 'no-response',
      TCP: 'challenged-no-answer',
    });
    const udp = byLabel(r, 'UDP from an ephemeral port');
    expect(udp.retransmissions).toBeGreaterThanOrEqual(2);
    expect(udp.detail).toMatch(/Timer F/);
    expect(r.durationMs).toBeLessThan(10_000);
  });

  it('answers only TCP: UDP silent, TCP registers', async () => {
    const f = await start({ transports: ['udp', 'tcp'], behaviour: { udp: 'silent' } });
    const r = await checkFixture(f);
    expect(byLabel(r, 'TCP').outcome).toBe('registered');
    expect(byLabel(r, 'UDP from port').outcome).toBe('no-response');
  });

  it('accepts responses sent from a different port and records where they came from', async () => {
    const f = await start({ transports: ['udp'], behaviour: { udp: 'other-port' } });
    const r = await checkFixture(f);
    const a = byLabel(r, 'UDP from an ephemeral port');
    expect(a.outcome).toBe('registered');
    expect(a.responsesFromElsewhere.length).toBeGreaterThan(0);
    expect(a.responsesFromElsewhere[0]!.port).not.toBe(f.ports.udp);
  });

  it('ignores garbage on UDP (silence) and calls it a protocol error on TCP', async () => {
    const f = await start({ transports: ['udp', 'tcp'], behaviour: { udp: 'garbage', tcp: 'garbage' } });
    const r = await checkFixture(f);
    expect(byLabel(r, 'UDP from an ephemeral port').outcome).toBe('no-response');
    expect(r.trace.some((e) => e.note?.includes('not a SIP message'))).toBe(true);
    expect(byLabel(r, 'TCP').outcome).toBe('protocol-error');
  });

  it('ignores responses that belong to another transaction', async () => {
    const f = await start({ transports: ['udp'], behaviour: { udp: 'wrong-branch' } });
    const r = await checkFixture(f);
    expect(byLabel(r, 'UDP from an ephemeral port').outcome).toBe('no-response');
    expect(r.trace.some((e) => e.note?.includes('is not ours'))).toBe(true);
  });

  it('gives up on a TCP peer that stalls, within the deadline', async () => {
    const f = await start({ transports: ['tcp'], behaviour: { tcp: 'stall' } });
    const r = await checkFixture(f);
    expect(byLabel(r, 'TCP').outcome).toBe('no-response');
    expect(byLabel(r, 'TCP').durationMs).toBeLessThan(10_000);
  });

  it('cuts off a TCP peer that sends forever, and a 10 MB message, without growing memory', async () => {
    const f = await start({ transports: ['tcp', 'tls'], behaviour: { tcp: 'flood', tls: 'huge' } });
    const before = process.memoryUsage().heapUsed;
    const r = await checkFixture(f);
    expect(byLabel(r, 'TCP')).toMatchObject({ outcome: 'protocol-error' });
    expect(byLabel(r, 'TCP').detail).toMatch(/65535/);
    expect(byLabel(r, 'TLS')).toMatchObject({ outcome: 'protocol-error' });
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(50 * 1024 * 1024);
  });

  it('reports a UDP datagram that is too big to be SIP from a registrar without crashing', async () => {
    const f = await start({ transports: ['udp'], behaviour: { udp: 'huge' } });
    const r = await checkFixture(f);
    expect(byLabel(r, 'UDP from an ephemeral port').outcome).toBe('no-response');
  });
});

describe('local and network failures', () => {
  it('says when the fixed source port is taken instead of crashing', async () => {
    const f = await start({ transports: ['udp'] });
    const dgram = await import('node:dgram');
    const blocker = dgram.createSocket('udp4');
    await new Promise<void>((res) => blocker.bind(0, res));
    try {
      const r = await checkFixture(f, { fixedSourcePort: blocker.address().port });
      const a = byLabel(r, 'UDP from port');
      expect(a.outcome).toBe('bind-failed');
      expect(a.detail).toMatch(/EADDRINUSE/);
      expect(byLabel(r, 'UDP from an ephemeral port').outcome).toBe('registered');
    } finally {
      blocker.close();
    }
  });

  it('reports ICMP port unreachable (UDP) and RST (TCP) as refused, distinct from silence', async () => {
    const f = await start({ transports: ['udp', 'tcp'] });
    const ports = { ...f.ports };
    await f.close();
    fx = undefined;
    const r = await checkFixture({ ...f, ports });
    expect(new Set(r.attempts.map((a) => a.outcome))).toEqual(new Set(['refused']));
    expect(byLabel(r, 'UDP from an ephemeral port').detail).toMatch(/ICMP port unreachable/);
    expect(r.durationMs).toBeLessThan(2000);
  });
});
