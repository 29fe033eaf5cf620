// The run history (SQLite via sql.js): what is stored, migrations, retention, concurrent writers,
// a writer killed mid-way, and the password of a real check never reaching the file.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startRegistrar } from '../../electron/demo/registrar.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../../electron/history/migrations.js';
import { loadSqlite } from '../../electron/history/sqlite.js';
import { HistoryStore } from '../../electron/history/store.js';
import { writeAtomically } from '../../electron/history/file-io.js';
import type { CheckResult } from '../../shared/model/results.js';
import { seed000Run } from '../fixtures/history-results.js';
import { checkFixture } from './helpers.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sl-history-'));
  file = join(dir, 'history.sqlite');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const at = (minute: number): string => new Date(Date.UTC(2026, 10, 22, 14, minute)).toISOString();

describe('history store', () => {
  it('stores a run compressed and gives it back whole, newest first in the list', async () => {
    const store = new HistoryStore(file);
    const first = await store.add({ kind: 'check', result: seed000Run(at(0), true) });
    const second = await store.add({ kind: 'watch', result: seed000Run(at(5), false), watchId: 'w1' });
    expect(second).toMatchObject({ kind: 'watch', server: 'sip.example.com', user: 'alice', watchId: 'w1' });
    expect(second.verdict).toMatch(/^UDP from port 5060 fails/);
    const result = seed000Run(at(5), false);
    expect(second.storedBytes).toBeLessThan(JSON.stringify(result).length);
    expect((await store.list()).map((e) => e.id)).toEqual([second.id, first.id]);
    expect((await store.list({ kind: 'watch' })).map((e) => e.id)).toEqual([second.id]);
    expect((await store.get(second.id))!.result).toEqual(result);
    expect(await store.get(9999)).toBeUndefined();
  });

  it('brings a database of schema 1 up to date, and refuses one from a newer version', async () => {
    const SQL = await loadSqlite();
    const old = new SQL.Database();
    old.exec(`${MIGRATIONS[0]}; PRAGMA user_version = 1;`);
    const blob = new TextEncoder().encode(JSON.stringify(seed000Run(at(1), true)));
    old.run(
      "INSERT INTO runs (kind, created_at, server, user, verdict, duration_ms, result_encoding, result) VALUES ('check', ?, 's', 'u', 'v', 1, 'json', ?)",
      [Date.now(), blob],
    );
    await writeAtomically(file, old.export());
    const store = new HistoryStore(file);
    expect((await store.get(1))!.result.startedAt).toBe(at(1));
    await store.add({ kind: 'watch', result: seed000Run(at(2), true), watchId: 'w' });
    const migrated = new SQL.Database(readFileSync(file));
    expect(migrated.exec('PRAGMA user_version')[0]!.values[0]![0]).toBe(SCHEMA_VERSION);
    migrated.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    await writeAtomically(file, migrated.export());
    await expect(store.list()).rejects.toThrow(/newer SIP Ladder/);
  });

  it('retention on insert: at most maxRuns, none older than maxAgeDays, at most maxMegabytes (the newest always kept)', async () => {
    let now = Date.UTC(2026, 0, 1);
    const store = new HistoryStore(file, { now: () => now, retention: { maxRuns: 3 } });
    for (let i = 0; i < 5; i++) await store.add({ kind: 'check', result: seed000Run(at(i), true) });
    expect((await store.list()).map((e) => e.id)).toEqual([5, 4, 3]);
    now += 10 * 24 * 3600 * 1000;
    await store.setRetention({ maxAgeDays: 7 });
    await store.add({ kind: 'check', result: seed000Run(at(9), true) });
    expect((await store.list()).map((e) => e.id)).toEqual([6]);
    // A cap smaller than one run keeps just the newest run.
    const tiny = new HistoryStore(file, { now: () => now, retention: { maxMegabytes: 1 } });
    const big = seed000Run(at(10), true);
    // ≈ 0.8 MB after compression (random bytes do not compress): two of them exceed 1 MB.
    big.trace[0]!.note = randomBytes(800_000).toString('base64');
    await tiny.add({ kind: 'check', result: big });
    await tiny.add({ kind: 'check', result: big });
    expect((await tiny.list()).map((e) => e.id)).toEqual([8]);
    expect(await tiny.retention()).toEqual({ maxRuns: 2000, maxAgeDays: 7, maxMegabytes: 1 });
  });

  it("two writers on one file (the app and a watch in a terminal) lose none of each other's runs", async () => {
    const a = new HistoryStore(file);
    const b = new HistoryStore(file);
    await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).add({ kind: 'check', result: seed000Run(at(i), true) })));
    expect((await a.list()).length).toBe(6);
  });

  it('a writer killed mid-way leaves a readable database holding every run it had confirmed', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', new URL('./history-writer.ts', import.meta.url).pathname, file], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const confirmed: number[] = [];
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        confirmed.push(...String(d).split('\n').filter(Boolean).map(Number));
        // Killed while it writes on: SIGKILL, no chance to clean up.
        if (confirmed.length >= 5) child.kill('SIGKILL');
      });
      child.once('exit', () => resolve());
    });
    const ids = (await new HistoryStore(file).list()).map((e) => e.id);
    expect(ids.length).toBeGreaterThanOrEqual(5);
    for (const id of confirmed) expect(ids).toContain(id);
  });

  it('refuses a result that carries a password field', async () => {
    const result = { ...seed000Run(at(0), true), account: { ...seed000Run(at(0), true).account, password: 'hunter2' } } as CheckResult;
    await expect(new HistoryStore(file).add({ kind: 'check', result })).rejects.toThrow(/password \(result\.account\.password\)/);
  });
});

describe('history of a real check', () => {
  it('never holds the password: not in the database file, not in the stored results', async () => {
    const password = 'Pw-history-7fQ2xZ';
    const fx = await startRegistrar({ users: { alice: password } });
    try {
      const result = await checkFixture(fx, { password, transports: ['udp', 'tcp'] });
      expect(result.attempts.some((a) => a.outcome === 'registered')).toBe(true);
      const store = new HistoryStore(file);
      const { id } = await store.add({ kind: 'check', result });
      const raw = readFileSync(file);
      expect(raw.includes('alice')).toBe(true); // plain columns are findable: the search below can fail
      expect(raw.includes(password)).toBe(false);
      expect(JSON.stringify((await store.get(id))!.result)).not.toContain(password);
      expect(JSON.stringify((await store.get(id))!.result)).toContain('REGISTER'); // the whole trace is there
    } finally {
      await fx.close();
    }
  });
});
