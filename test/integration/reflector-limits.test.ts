// The reflector's abuse limits on real sockets: the amplification attacks get nothing larger
// than themselves until the cookie is shown, budgets cut a source off, streams are capped in count
// and in the time a message may take (a 1-byte drip does not extend it).
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReflector, type Reflector } from '../../electron/reflector/server.js';
import { cookieIn, sentinel, sipOptions, udpTestClient } from './reflector-client.js';

const DEADLINE_MS = 300;
let reflector: Reflector;
let sip: number;
beforeAll(async () => {
  reflector = await startReflector({ listen: '127.0.0.1', sipPorts: [0] }, () => undefined, {
    limits: { requestsPerAddress: 20, bytesPerAddress: 64 * 1024, requestsPerPrefix: 1e6, bytesPerPrefix: 1e9 },
    connections: { total: 6, perSource: 3 },
    messageDeadlineMs: DEADLINE_MS,
  });
  sip = reflector.sipPorts[0]!;
});
afterAll(() => reflector.close());

const connect = (localAddress = '127.0.0.1'): Promise<net.Socket> =>
  new Promise((resolve) => {
    const s = net.connect({ port: sip, host: '127.0.0.1', localAddress }, () => resolve(s));
    s.on('error', () => undefined);
  });
const closed = (s: net.Socket): Promise<void> => new Promise((resolve) => (s.destroyed ? resolve() : s.once('close', () => resolve())));

describe('reflector limits on the wire', () => {
  it('an OPTIONS asking for 8192 bytes gets at most its own size without the cookie, and 8192 bytes and the knock with it', async () => {
    const c = await udpTestClient('127.0.0.4');
    const ask = sipOptions(['X-SipLadder-Response-Size: 8192', 'X-SipLadder-Knock: source', `X-SipLadder-Padding: ${'p'.repeat(300)}`]);
    c.send(ask.bytes, sip);
    const first = await c.waitFor(ask.callId);
    expect(first.length).toBeLessThanOrEqual(ask.bytes.length);
    const proven = sipOptions(['X-SipLadder-Response-Size: 8192', 'X-SipLadder-Knock: source', `X-SipLadder-Cookie: ${cookieIn(first)}`]);
    const knock = c.waitFor(`SIPLADDER-KNOCK ${proven.callId}`);
    c.send(proven.bytes, sip);
    expect((await c.waitFor(proven.callId)).length).toBe(8192);
    expect((await knock).toString()).toBe(`SIPLADDER-KNOCK ${proven.callId}`);
    c.close();
  });

  it('a source over its budget gets no more answers in the window; another source still does', async () => {
    const c = await udpTestClient('127.0.0.5');
    const asks = Array.from({ length: 25 }, () => sentinel());
    for (const a of asks) c.send(a.bytes, sip);
    const other = await udpTestClient('127.0.0.6');
    const probe = sentinel();
    other.send(probe.bytes, sip);
    await other.waitFor(probe.callId); // handled after all 25 (one server socket, in order)
    expect(c.take().length).toBe(20);
    expect(reflector.stats.overBudget).toBeGreaterThanOrEqual(5);
    c.close();
    other.close();
  });

  it('a fourth connection from one source is refused; the others keep working', async () => {
    const open = await Promise.all([connect(), connect(), connect()]);
    const refusedBefore = reflector.stats.connectionsRefused;
    const fourth = await connect();
    await closed(fourth);
    expect(reflector.stats.connectionsRefused).toBe(refusedBefore + 1);
    const req = sipOptions();
    const answer = new Promise<string>((resolve) => open[0]!.on('data', (d) => resolve(d.toString('latin1'))));
    open[0]!.write(req.bytes);
    expect(await answer).toContain(req.callId);
    open.forEach((s) => s.destroy());
    await Promise.all(open.map(closed));
  });

  it('a message dripped one byte at a time is cut off at its deadline, however often bytes arrive', async () => {
    const s = await connect('127.0.0.7'); // a source of its own: the cap test's connections may still be closing
    const bytes = sipOptions().bytes;
    let i = 0;
    const drip = setInterval(() => i < bytes.length && !s.destroyed && s.write(bytes.subarray(i, ++i)), DEADLINE_MS / 10);
    const t0 = performance.now();
    await closed(s);
    clearInterval(drip);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(DEADLINE_MS * 0.9);
    expect(i).toBeLessThan(bytes.length);
    expect(reflector.stats.messageDeadlines).toBe(1);
  });
});
