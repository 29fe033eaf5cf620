// Fuzzing every reflector listener as an attacker would (issue 8): random and mutated SIP datagrams,
// random TCP streams and TLS garbage, WebSocket protocol errors, STUN with every attribute at its
// edge values. Afterwards the process is still up (an uncaught error would fail the run) and each
// listener answers a valid request. Bounded: a few hundred inputs per listener, seeded (FUZZ_SEED).
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startReflector, type Reflector } from '../../electron/reflector/server.js';
import { encodeStun } from '../../shared/stun/codec.js';
import { ATTR, METHOD_BINDING, type StunAttribute } from '../../shared/stun/message.js';
import { paddingToReach } from '../../shared/stun/attributes.js';
import { CA_PEM } from './helpers.js';
import { sendPaced, sentinel, sipOptions, udpTestClient } from './reflector-client.js';

const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
const sample = <T>(arb: fc.Arbitrary<T>, numRuns: number): T[] => fc.sample(arb, { seed, numRuns });
const certs = (f: string) => fileURLToPath(new URL(`../../electron/demo/certs/${f}`, import.meta.url));
const base = 30000 + Math.floor(Math.random() * 20000);
const ports = { tls: base, ws: base + 1, stun: base + 2 };
const unlimited = { requestsPerAddress: 1e9, bytesPerAddress: 1e12, requestsPerPrefix: 1e9, bytesPerPrefix: 1e12 };
let reflector: Reflector;
let sip: number;
beforeAll(async () => {
  reflector = await startReflector(
    {
      listen: '127.0.0.1',
      sipPorts: [0],
      tls: { port: ports.tls, certFile: certs('server.pem'), keyFile: certs('server.key') },
      wsPort: ports.ws,
      stun: { primary: '127.0.0.1', alternate: '127.0.0.2', port: ports.stun },
    },
    () => undefined,
    { limits: unlimited },
  );
  sip = reflector.sipPorts[0]!;
});
afterAll(() => reflector.close());

const closed = (s: net.Socket): Promise<void> => new Promise((resolve) => (s.destroyed ? resolve() : s.once('close', () => resolve())));
const connect = (port: number): Promise<net.Socket> =>
  new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s)).once('error', reject);
    s.on('error', () => undefined); // resets by the reflector are expected
    s.resume(); // read (and drop) answers, or the reflector's FIN is never seen
  });
/** The reflector answers a valid OPTIONS over TCP: the listener survived. */
async function tcpAnswers(): Promise<void> {
  const s = await connect(sip);
  const req = sipOptions();
  const answer = new Promise<string>((resolve) => {
    let got = '';
    s.on('data', (d) => (got += d.toString('latin1')).includes(req.callId) && resolve(got));
  });
  s.write(req.bytes);
  expect(await answer).toMatch(/^SIP\/2\.0 200 OK/);
  s.destroy();
}

describe(`reflector fuzzing (FUZZ_SEED=${seed})`, () => {
  it('SIP over UDP: random and mutated datagrams; the fuzzing source gets back at most what it sent', async () => {
    const c = await udpTestClient();
    const valid = sipOptions(['X-SipLadder-Knock: source', 'X-SipLadder-Response-Size: 3000', `X-SipLadder-Padding: ${'p'.repeat(200)}`]).bytes;
    const mutate = ([at, byte, how]: [number, number, number]): Uint8Array => {
      const i = at % valid.length;
      if (how === 0) return valid.slice(0, i);
      if (how === 1) return Uint8Array.from(valid, (v, k) => (k === i ? byte : v));
      return new Uint8Array([...valid.subarray(0, i), ...new Uint8Array(1 + (byte % 64)).fill(byte), ...valid.subarray(i)]);
    };
    const inputs = [
      ...sample(fc.uint8Array({ maxLength: 1400 }), 150),
      ...sample(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 2 })), 250).map(mutate),
    ];
    const sentinels = new Set<string>();
    await sendPaced(
      c,
      inputs.map((d) => [d, sip]),
      () => {
        const probe = sentinel();
        sentinels.add(probe.callId);
        return { bytes: probe.bytes, port: sip, marker: probe.callId };
      },
    );
    const sent = inputs.reduce((n, d) => n + d.length, 0);
    const answered = c
      .take()
      .filter((b) => ![...sentinels].some((id) => b.toString('latin1').includes(id)))
      .reduce((n, b) => n + b.length, 0);
    expect(answered).toBeLessThanOrEqual(sent);
    expect(reflector.stats.ignored + reflector.stats.withheld).toBeGreaterThan(0);
    c.close();
  });

  it('SIP over TCP: random streams in random chunks, then a valid OPTIONS is answered', async () => {
    const streams = sample(fc.tuple(fc.boolean(), fc.array(fc.uint8Array({ minLength: 1, maxLength: 3000 }), { minLength: 1, maxLength: 8 })), 40);
    await Promise.all(
      streams.map(async ([startValid, chunks]) => {
        const s = await connect(sip);
        if (startValid) s.write(sipOptions().bytes);
        for (const chunk of chunks) s.write(chunk);
        s.end();
        await closed(s);
      }),
    );
    await tcpAnswers();
  });

  it('TLS: garbage instead of a handshake, then a valid OPTIONS over TLS is answered', async () => {
    await Promise.all(
      sample(fc.uint8Array({ minLength: 1, maxLength: 2000 }), 20).map(async (junk) => {
        const s = await connect(ports.tls);
        s.end(junk);
        await closed(s);
      }),
    );
    const s = tls.connect({ port: ports.tls, host: '127.0.0.1', servername: 'localhost', ca: CA_PEM });
    const req = sipOptions();
    const answer = new Promise<string>((resolve) => s.on('data', (d) => d.toString('latin1').includes(req.callId) && resolve(d.toString('latin1'))));
    s.once('secureConnect', () => s.write(req.bytes));
    expect(await answer).toMatch(/^SIP\/2\.0 200 OK/);
    s.destroy();
  });

  it('WebSocket: oversized, invalid UTF-8, unmasked, reserved and fragmented-control frames, bad handshakes; then a valid OPTIONS is answered', async () => {
    const mask = [0, 0, 0, 0];
    const frames = [
      [0x81, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, ...mask], // announces 2^63 bytes
      [0x81, 0xfe, 0xff, 0xff, ...mask, ...new Array(100).fill(0x41)], // announces 65,535 bytes (> the 16 KB limit)
      [0x81, 0x82, ...mask, 0xff, 0xfe], // text that is not UTF-8
      [0x81, 0x05, ...[0x68, 0x65, 0x6c, 0x6c, 0x6f]], // unmasked client frame
      [0x83, 0x80, ...mask],
      [0xc1, 0x80, ...mask],
      [0x09, 0x80, ...mask],
      [0x89, 0xfe, 0x00, 0x80, ...mask],
      [0x80, 0x80, ...mask],
      [0x88, 0x81, ...mask, 0x00],
    ];
    const upgrade = (key: string) =>
      `GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n${key}Sec-WebSocket-Protocol: sip\r\n\r\n`;
    await Promise.all(
      [
        ...frames.map((f) => [upgrade(`Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n`), Buffer.from(f)] as const),
        [upgrade(''), Buffer.alloc(0)] as const,
        ['GARBAGE\r\n\r\n', Buffer.alloc(0)] as const,
      ].map(async ([hello, frame]) => {
        const s = await connect(ports.ws);
        s.once('data', () => s.write(frame));
        s.write(hello);
        await closed(s);
      }),
    );
    // Well-formed frames with random payloads (text and binary) on one connection, then the OPTIONS on it.
    const ws = new WebSocket(`ws://127.0.0.1:${ports.ws}/`, 'sip');
    ws.on('error', () => undefined);
    const req = sipOptions();
    const answer = new Promise<string>((resolve) => ws.on('message', (d: Buffer) => d.toString().includes(req.callId) && resolve(d.toString())));
    ws.once('open', () => {
      for (const [text, payload] of sample(fc.tuple(fc.boolean(), fc.uint8Array({ maxLength: 4000 })), 30))
        ws.send(text ? Buffer.from(payload).toString('latin1') : payload);
      ws.send(new TextDecoder().decode(req.bytes));
    });
    expect(await answer).toContain(req.callId);
    ws.close();
  });

  it('STUN: every attribute at its edge lengths and values, truncated and lying lengths; then a padded Binding is answered', async () => {
    const c = await udpTestClient();
    const types = [...Object.values(ATTR), 0x0000, 0x7fff, 0xffff, 0x0030];
    const binding = (attributes: StunAttribute[], pad: boolean): Uint8Array => {
      const tid = randomBytes(12);
      const bare = encodeStun({ cls: 'request', method: METHOD_BINDING, transactionId: tid, attributes }, { fingerprint: true });
      const padding = pad ? paddingToReach(bare.length, Math.max(192, bare.length + 4)) : null;
      return encodeStun(
        { cls: 'request', method: METHOD_BINDING, transactionId: tid, attributes: padding ? [...attributes, padding] : attributes },
        { fingerprint: true },
      );
    };
    const cookieReply = c.waitFor('sipladder-reflector');
    c.send(binding([], true), ports.stun);
    const reply = await cookieReply;
    const at = reply.indexOf(Buffer.from([0xc0, 0x5c, 0x00, 0x10]));
    const cookie = { type: ATTR.SIPLADDER_COOKIE, value: new Uint8Array(reply.subarray(at + 4, at + 20)) };
    const edge: Array<[Uint8Array, number]> = [];
    for (const type of types) {
      for (const length of [0, 1, 2, 3, 4, 8, 16, 20, 255]) {
        for (const fill of [0x00, 0xff]) {
          const a = { type, value: new Uint8Array(length).fill(fill) };
          for (const raw of [binding([a], false), binding([a, cookie], false), binding([a], true)]) {
            edge.push([raw, ports.stun], [raw, ports.stun + 1], [raw.subarray(0, raw.length - 3), ports.stun]); // the last one's length field lies
          }
        }
      }
    }
    const junk = sample(fc.uint8Array({ maxLength: 600 }), 100).map((j) => Uint8Array.from([0, 1, 0, 0, 0x21, 0x12, 0xa4, 0x42, ...j]));
    await sendPaced(c, [...edge, ...junk.map((j) => [j, ports.stun] as [Uint8Array, number])], () => {
      const last = binding([], true);
      return { bytes: last, port: ports.stun, marker: Buffer.from(last.subarray(8, 20)).toString('latin1') };
    });
    c.close();
    expect(reflector.stats.withheld).toBeGreaterThan(0);
  });

  it('after all of it, SIP over UDP still answers', async () => {
    const c = await udpTestClient();
    const last = sentinel();
    c.send(last.bytes, sip);
    expect((await c.waitFor(last.callId)).toString('latin1')).toMatch(/^SIP\/2\.0 200 OK/);
    c.close();
  });
});
