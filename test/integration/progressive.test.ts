// Progressive results: the matrix's result is a progress event before any path probe starts, and
// the final result agrees with it; a run cancelled during the path probes keeps the matrix and names
// the probes that did not finish.
import { afterEach, describe, expect, it } from 'vitest';
import { startRegistrar, type Fixture } from '../../electron/demo/registrar.js';
import { check } from '../../electron/engine/check.js';
import { defaultDeps } from '../../electron/engine/deps.js';
import type { ProgressEvent } from '../../shared/model/progress.js';
import { freeUdpPort } from './helpers.js';

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

async function run(signal?: AbortSignal, onEvent: (e: ProgressEvent) => void = () => undefined) {
  fx = await startRegistrar({ transports: ['udp', 'tcp'] });
  const events: ProgressEvent[] = [];
  const result = await check(
    {
      server: '127.0.0.1',
      user: 'alice',
      password: 'secret',
      transports: ['udp', 'tcp'],
      ports: { udp: fx.ports.udp, tcp: fx.ports.tcp },
      fixedSourcePort: await freeUdpPort(),
    },
    defaultDeps(),
    {
      signal,
      onProgress: (e) => {
        events.push(e);
        onEvent(e);
      },
    },
  );
  return { result, events };
}

describe('progressive results', () => {
  it('the matrix result comes first, marked as waiting for the path probes, and matches the final attempts', async () => {
    const { result, events } = await run();
    const matrix = events.findIndex((e) => e.type === 'matrix-finished');
    const firstProbe = events.findIndex((e) => e.type === 'probe-started');
    expect(matrix).toBeGreaterThan(-1);
    expect(firstProbe).toBeGreaterThan(matrix);
    const early = (events[matrix] as Extract<ProgressEvent, { type: 'matrix-finished' }>).result;
    expect(early.incomplete).toEqual({ reason: 'path-probes-running', detail: 'the network path probes are still running' });
    expect(early.pathProbes).toBeUndefined();
    expect(early.attempts.map((a) => [a.label, a.outcome])).toEqual(result.attempts.map((a) => [a.label, a.outcome]));
    expect(result.incomplete).toBeUndefined();
    expect(result.pathProbes?.fragmentation).toBeDefined();
  });

  it('cancelled during the path probes: the matrix stays, the unfinished probes are named and left out', async () => {
    const stop = new AbortController();
    const { result } = await run(stop.signal, (e) => e.type === 'probe-started' && stop.abort(new Error('cancelled by the user')));
    expect(result.attempts.every((a) => a.outcome === 'registered')).toBe(true);
    expect(result.incomplete).toMatchObject({ reason: 'cancelled', detail: expect.stringMatching(/; not finished: message size \/ fragmentation$/) });
    expect(result.pathProbes).toBeUndefined();
  });
});
