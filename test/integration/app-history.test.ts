// The app's history and "Keep checking" service (electron/history/app-history.ts) against the demo
// registrar: runs recorded, opened, exported as bundles, compared; a watch started, its runs
// reported and stored, stopped by the user; one watch at a time.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openBundle } from '../../electron/bundle/bundle.js';
import { startRegistrar, type Fixture } from '../../electron/demo/registrar.js';
import { defaultDeps } from '../../electron/engine/deps.js';
import { AppHistory } from '../../electron/history/app-history.js';
import { HistoryStore } from '../../electron/history/store.js';
import type { WatchEvent } from '../../shared/history/types.js';
import { seed000Run } from '../fixtures/history-results.js';
import { freeUdpPort } from './helpers.js';

let dir: string;
let fx: Fixture | undefined;
beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), 'sl-app-history-'))));
afterEach(async () => {
  await fx?.close();
  fx = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const newHistory = (): AppHistory => new AppHistory(new HistoryStore(join(dir, 'h.sqlite')), defaultDeps, () => undefined);

describe('app history', () => {
  it('records runs, opens them with a fresh diagnosis, exports one as a bundle and compares two', async () => {
    const h = newHistory();
    const a = await h.record('check', seed000Run('2026-11-22T14:00:00.000Z', true));
    const b = await h.record('bundle', seed000Run('2026-11-22T15:00:00.000Z', false), { bundleBytes: 1234 });
    expect([a?.kind, b?.kind, b?.bundleBytes]).toEqual(['check', 'bundle', 1234]);
    expect((await h.list({})).map((e) => e.id)).toEqual([b!.id, a!.id]);
    expect((await h.open(b!.id)).diagnosis.findings.map((f) => f.id)).toEqual(['inbound-udp-5060-dropped']);
    const exported = await h.exportBundle(b!.id, { users: true, domains: true, addresses: true });
    expect(openBundle(exported.bytes).manifest.pseudonymised).toBe(true);
    const compared = await h.compare(a!.id, b!.id);
    expect(compared.comparison.findings.appeared.map((f) => f.id)).toEqual(['inbound-udp-5060-dropped']);
    expect([compared.before.entry.id, compared.after.entry.id]).toEqual([a!.id, b!.id]);
    await expect(h.open(999)).rejects.toThrow(/no longer in the history/);
  });

  it('keep checking: started, each run reported with its history id, stopped by the user; only one at a time', async () => {
    fx = await startRegistrar({ users: { alice: 'pw-keep' }, transports: ['udp'] });
    const events: WatchEvent[] = [];
    let endWatch = (): void => undefined;
    const ended = new Promise<void>((resolve) => (endWatch = resolve));
    // Stops after the first run, as the user pressing Stop would.
    const h: AppHistory = new AppHistory(new HistoryStore(join(dir, 'h.sqlite')), defaultDeps, (e) => {
      events.push(e);
      if (e.type === 'run') h.stopWatch(e.watchId);
      if (e.type === 'ended') endWatch();
    });
    const options = {
      server: '127.0.0.1',
      user: 'alice',
      password: 'pw-keep',
      transports: ['udp' as const],
      ports: { udp: fx.ports.udp },
      fixedSourcePort: await freeUdpPort(),
    };
    h.startWatch(options, { everyMs: 60_000, forMs: 3600_000, fullEvery: 0 });
    expect(() => h.startWatch(options, { everyMs: 60_000, forMs: 3600_000, fullEvery: 0 })).toThrow(/already checking/);
    await ended;
    expect(events.map((e) => e.type)).toEqual(['started', 'run', 'ended']);
    const run = events[1] as Extract<WatchEvent, { type: 'run' }>;
    expect(run.snapshot.attempts.every((x) => x.registered)).toBe(true);
    expect(run.historyId).toBe(1);
    expect(events[2]).toMatchObject({ type: 'ended', runs: 1, end: 'stopped' });
    expect((await new HistoryStore(join(dir, 'h.sqlite')).list({ kind: 'watch' })).map((e) => e.watchId)).toEqual([run.watchId]);
  });
});
