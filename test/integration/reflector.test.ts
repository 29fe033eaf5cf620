// The reflector on loopback: SIP mirror, sized responses for the downstream test, and the RFC 5780
// STUN responder on two loopback addresses (127.0.0.1 and 127.0.0.2), probed by our own clients.
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reflectorCommand } from '../../electron/cli/reflector-command.js';
import { defaultDeps } from '../../electron/engine/deps.js';
import { probeAlg } from '../../electron/engine/probes/alg.js';
import { probeFragmentation } from '../../electron/engine/probes/fragmentation.js';
import { probeInbound } from '../../electron/engine/probes/inbound.js';
import { probeStunNat } from '../../electron/engine/probes/stun-nat.js';
import { RateLimiter } from '../../electron/engine/safety.js';
import { TraceRecorder } from '../../electron/engine/trace-recorder.js';
import { startReflector, type Reflector } from '../../electron/reflector/server.js';
import { freeUdpPort } from './helpers.js';

let reflector: Reflector;
let stunPort: number;
const log: string[] = [];
beforeAll(async () => {
  stunPort = 40000 + Math.floor(Math.random() * 20000);
  reflector = await startReflector({ listen: '127.0.0.1', sipPorts: [0], stun: { primary: '127.0.0.1', alternate: '127.0.0.2', port: stunPort } }, (l) =>
    log.push(l),
  );
});
afterAll(() => reflector.close());

const deps = defaultDeps();
const signal = new AbortController().signal;

describe('reflector', () => {
  it('mirrors the request exactly and sizes responses: every direction of the fragmentation probe works', async () => {
    const trace = new TraceRecorder(deps.clock);
    const r = await probeFragmentation({
      target: { host: '127.0.0.1', address: '127.0.0.1', port: reflector.sipPorts[0]! },
      domain: 'example.test',
      user: 'alice',
      transports: ['udp', 'tcp'],
      reflector: true,
      deps,
      trace,
      rate: new RateLimiter(deps.clock, 200, 50),
      attempt: 1,
      signal,
    });
    expect(r.series.map((s) => `${s.transport}/${s.mode}=${s.largestDelivered}`).sort()).toEqual([
      'tcp/echo=8000',
      'udp/downstream=8000',
      'udp/echo=8000',
      'udp/upstream=8000',
    ]);
    const down = r.series.find((s) => s.transport === 'udp' && s.mode === 'downstream')!;
    expect(down.points.find((p) => p.size === 3000)!.responseSize).toBe(3000);
    // Sized answers (the fragmentation probe asks for every size) carry no mirror body; the mirror is test/unit/reflector*.test.ts's and the ALG probe's.
    expect(trace.events.filter((e) => e.kind === 'received').every((e) => !Buffer.from(e.bytes!, 'base64').toString().includes('x-sipladder-mirror'))).toBe(
      true,
    );
  }, 60_000);

  it('answers STUN with RFC 5780 attributes: loopback is "no NAT", unfiltered, hairpinning', async () => {
    const r = await probeStunNat({
      host: '127.0.0.1',
      address: '127.0.0.1',
      port: stunPort,
      preservePorts: [await freeUdpPort()],
      bindingLifetimeS: 0,
      deps,
      trace: new TraceRecorder(deps.clock),
      attempt: 1,
      signal,
    });
    expect(r).toMatchObject({
      outcome: 'ok',
      mapping: 'no-nat',
      filtering: 'endpoint-independent',
      classic: 'Open Internet (no NAT)',
      hairpinning: true,
      otherAddress: { address: '127.0.0.2', port: stunPort + 1 },
      mappedRewritten: false,
    });
    expect(r.portPreservation[0]!.preserved).toBe(true);
    expect(log.some((l) => /change=6/.test(l))).toBe(true);
  });

  it('measures a binding lifetime through RESPONSE-PORT', async () => {
    const r = await probeStunNat({
      host: '127.0.0.1',
      address: '127.0.0.1',
      port: stunPort,
      preservePorts: [],
      bindingLifetimeS: 5,
      deps,
      trace: new TraceRecorder(deps.clock),
      attempt: 1,
      signal,
    });
    expect(r.bindingLifetime).toMatchObject({ aliveAfter: [5], expiredAfter: [], recommendation: { seconds: 4, bound: 'at-least' } });
  }, 20_000);
});

describe('reflector mirror for the ALG probe', () => {
  it('over UDP the probe fetches the cookie first, then gets the full mirror; over TCP it needs none: clean on loopback', async () => {
    const trace = new TraceRecorder(deps.clock);
    const r = await probeAlg({
      host: '127.0.0.1',
      address: '127.0.0.1',
      ports: [reflector.sipPorts[0]!],
      user: 'alice',
      domain: 'example.test',
      deps,
      trace,
      rate: new RateLimiter(deps.clock),
      attempt: 1,
      signal,
    });
    expect(r.checks.map((c) => `${c.transport}=${c.outcome}`).sort()).toEqual(['tcp=clean', 'udp=clean']);
    const sent = trace.events.filter((e) => e.kind === 'sent' && e.transport === 'udp').map((e) => Buffer.from(e.bytes!, 'base64').toString());
    expect(sent.map((t) => /X-SipLadder-Cookie: /.test(t))).toEqual([false, true]);
  });
});

describe('reflector knock (inbound reachability)', () => {
  it('on loopback both the answer and the knock from the other port arrive, on every local port', async () => {
    const second = await startReflector({ listen: '127.0.0.1', sipPorts: [0] }, () => undefined);
    try {
      const r = await probeInbound({
        host: '127.0.0.1',
        address: '127.0.0.1',
        port: second.sipPorts[0]!,
        localPorts: [await freeUdpPort(), undefined],
        user: 'alice',
        domain: 'example.test',
        deps,
        trace: new TraceRecorder(deps.clock),
        rate: new RateLimiter(deps.clock),
        attempt: 1,
        signal,
      });
      expect(r.outcome).toBe('ok');
      expect(r.checks.map((c) => [c.responseReceived, c.knockReceived])).toEqual([
        [true, true],
        [true, true],
      ]);
    } finally {
      await second.close();
    }
  });
});

describe('sipladder reflector command', () => {
  const run = async (argv: string[]) => {
    const err = new PassThrough();
    let stderr = '';
    err.on('data', (d) => (stderr += d));
    const code = await reflectorCommand(argv, { stdin: Readable.from(['']), stdout: new PassThrough(), stderr: err, env: {} }, Promise.resolve());
    return { code, stderr };
  };
  it.each([
    [['--sip-ports', '5060,abc'], /--sip-ports must list port numbers/],
    [['--tls-port', '5061'], /go together/],
    [['--listen', 'example.com'], /must be an IP address/],
    [['--stun-primary', 'not-an-ip'], /must be IP addresses/],
    [['--config', '/nonexistent.json'], /cannot read --config/],
    [['--bogus'], /Unknown option/],
  ])('rejects %j', async (argv, message) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('starts, serves until told to stop, and exits 0', async () => {
    const r = await run(['--listen', '127.0.0.1', '--sip-ports', String(await freeUdpPort())]);
    expect(r).toEqual({ code: 0, stderr: '' });
  });
});
