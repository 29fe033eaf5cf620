// The engine with injected dependencies: deterministic identifiers, DNS failures, cancellation.
import { afterEach, describe, expect, it } from 'vitest';
import { check } from '../../electron/engine/check.js';
import { defaultDeps, type EngineDeps } from '../../electron/engine/deps.js';
import type { Resolver } from '../../electron/engine/dns.js';
import { startRegistrar, type Fixture } from '../../electron/demo/registrar.js';
import { freeUdpPort } from './helpers.js';

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

/** Counter-based "random" bytes: every run with it produces the same identifiers. */
function seededRandom(): (n: number) => Uint8Array {
  let counter = 0;
  return (n) => Uint8Array.from({ length: n }, () => counter++ & 0xff);
}

describe('engine with injected dependencies', () => {
  it('produces the same Call-ID, tags and branches for the same random source', async () => {
    fx = await startRegistrar({ transports: ['tcp'] });
    const run = async () => {
      const deps: EngineDeps = { ...defaultDeps(), random: seededRandom() };
      const r = await check({ server: '127.0.0.1', user: 'alice', password: 'secret', transports: ['tcp'], ports: { tcp: fx!.ports.tcp } }, deps);
      expect(r.attempts[0]!.outcome).toBe('registered');
      const first = Buffer.from(r.trace.find((e) => e.kind === 'sent')!.bytes!, 'base64').toString();
      return first.match(/^(Via|From|Call-ID):.*$/gm)!.map((l) => l.replace(/127\.0\.0\.1:\d+/, 'ADDR'));
    };
    const a = await run();
    const b = await run();
    expect(a).toEqual(b);
    expect(a.join('\n')).toContain('Call-ID: 060708090a0b0c0d0e0f1011@sipladder');
  });

  it('reports DNS failures per transport and opens no socket', async () => {
    const nxdomain: Resolver = {
      naptr: async () => {
        throw Object.assign(new Error('x'), { code: 'ENOTFOUND' });
      },
      srv: async () => {
        throw Object.assign(new Error('x'), { code: 'ENOTFOUND' });
      },
      addresses: async () => {
        throw Object.assign(new Error('x'), { code: 'ENOTFOUND' });
      },
    };
    let opened = 0;
    const deps: EngineDeps = {
      ...defaultDeps(),
      resolver: nxdomain,
      openChannel: async () => {
        opened++;
        throw new Error('must not open');
      },
    };
    const r = await check({ server: 'sip.nowhere.example', user: 'alice', transports: ['udp', 'tls'] }, deps);
    expect(r.attempts.map((a) => [a.transport, a.outcome])).toEqual([
      ['udp', 'dns-failure'],
      ['tls', 'dns-failure'],
    ]);
    expect(r.attempts[0]!.detail).toMatch(/ENOTFOUND: name does not exist/);
    expect(r.dns.map((s) => s.type)).toEqual(expect.arrayContaining(['NAPTR', 'SRV', 'A']));
    expect(opened).toBe(0);
  });

  it('stops promptly when cancelled, and says so', async () => {
    fx = await startRegistrar({ transports: ['udp', 'tcp'], behaviour: { udp: 'silent', tcp: 'stall' } });
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('user cancelled')), 300);
    const r = await check(
      {
        server: '127.0.0.1',
        user: 'alice',
        password: 'secret',
        transports: ['udp', 'tcp'],
        ports: { udp: fx.ports.udp, tcp: fx.ports.tcp },
        fixedSourcePort: await freeUdpPort(),
      },
      defaultDeps(),
      { signal: ac.signal },
    );
    expect(new Set(r.attempts.map((a) => a.outcome))).toEqual(new Set(['aborted']));
    expect(r.durationMs).toBeLessThan(1500);
  });

  it('streams progress events for every attempt', async () => {
    fx = await startRegistrar({ transports: ['tcp'] });
    const events: string[] = [];
    await check({ server: '127.0.0.1', user: 'alice', password: 'secret', transports: ['tcp'], ports: { tcp: fx.ports.tcp } }, defaultDeps(), {
      onProgress: (e) => events.push(e.type),
    });
    expect(events[0]).toBe('attempt-started');
    expect(events).toContain('attempt-step');
    // The path probes (here: fragmentation over TCP, which answered) come after the matrix.
    expect(events.indexOf('attempt-finished')).toBeLessThan(events.indexOf('probe-started'));
    expect(events.at(-1)).toBe('probe-finished');
  });
});
