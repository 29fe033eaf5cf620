// `sipladder watch` and `sipladder history` in-process against the demo registrar: runs stored,
// listed, shown, exported as a bundle, compared by id and as bundle files.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistrar, type Fixture } from '../../electron/demo/registrar.js';
import { freeUdpPort, runCli } from './helpers.js';

const PASSWORD = 'Pw-watch-cli-91';
let dir: string;
let history: string;
const fixtures: Fixture[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sl-history-cli-'));
  history = join(dir, 'history.sqlite');
});
afterAll(async () => {
  for (const f of fixtures) await f.close();
  rmSync(dir, { recursive: true, force: true });
});

async function watchOnce(fixedPort: number, silentToFixedPort: boolean): Promise<{ code: number; stdout: string; stderr: string }> {
  const fx = await startRegistrar({ users: { alice: PASSWORD }, transports: ['udp'], ...(silentToFixedPort ? { udpSilentToPort: fixedPort } : {}) });
  fixtures.push(fx);
  return runCli(
    [
      'watch',
      '--server',
      '127.0.0.1',
      '--user',
      'alice',
      '--password-env',
      'PW',
      '--transports',
      'udp',
      '--port',
      String(fx.ports.udp),
      '--fixed-port',
      String(fixedPort),
      '--every',
      '5s',
      '--count',
      '1',
      '--full-every',
      '0',
      '--history',
      history,
      '--json',
    ],
    { env: { PW: PASSWORD } },
  );
}

describe('watch and history on the command line', () => {
  it('stores each watch run; lists, shows, exports and compares them (by id and as bundles)', async () => {
    const fixed = await freeUdpPort();
    const healthy = await watchOnce(fixed, false);
    expect(healthy.code).toBe(0);
    const line = JSON.parse(healthy.stdout.trim()) as {
      index: number;
      historyId: number;
      full: boolean;
      attempts: Array<{ label: string; registered: boolean }>;
    };
    expect(line).toMatchObject({ index: 1, historyId: 1, full: false });
    expect(line.attempts.every((a) => a.registered)).toBe(true);
    expect(healthy.stderr).toMatch(/Watch ended \(all runs done\) after 1 run; stored in /);
    expect((await watchOnce(fixed, true)).code).toBe(0);

    const list = await runCli(['history', 'list', '--history', history]);
    expect(
      list.stdout
        .trim()
        .split('\n')
        .map((l) => l.trim().split(/\s+/)[0]),
    ).toEqual(['2', '1']);
    expect(list.stdout).toMatch(/watch\s+alice@127\.0\.0\.1\s+UDP from port \d+ fails/);

    const show = await runCli(['history', 'show', '2', '--history', history]);
    expect(show.stdout).toMatch(/^UDP from port \d+ fails/);
    expect(show.stdout).toMatch(/ATTEMPT\s+SERVER/);

    const compare = await runCli(['history', 'compare', '1', '2', '--history', history]);
    expect(compare.code).toBe(0);
    expect(compare.stdout).toMatch(new RegExp(`^UDP from port ${fixed}\\s+registered\\s+no answer\\s+changed$`, 'm'));
    expect(compare.stdout).toMatch(/^UDP from an ephemeral port\s+registered\s+registered$/m);
    expect(compare.stdout).toMatch(/Findings that appeared:\n {2}\[error\]/);

    const bundles = ['1', '2'].map((id) => join(dir, `run-${id}.sipladder`));
    for (const [i, file] of bundles.entries())
      expect((await runCli(['history', 'export', String(i + 1), '--bundle', file, '--history', history])).code).toBe(0);
    expect(readFileSync(bundles[0]!).includes(PASSWORD)).toBe(false);
    const fromBundles = await runCli(['history', 'compare', ...bundles, '--history', history, '--json']);
    const byId = await runCli(['history', 'compare', '1', '2', '--history', history, '--json']);
    expect(JSON.parse(fromBundles.stdout).attempts).toEqual(JSON.parse(byId.stdout).attempts);
  }, 60_000);

  it('says what is wrong: bad intervals, unknown runs, unknown subcommands', async () => {
    const tooOften = await runCli(['watch', '--server', '127.0.0.1', '--user', 'alice', '--every', '1s', '--no-history']);
    expect(tooOften.code).toBe(2);
    expect(tooOften.stderr).toMatch(/the interval must be at least 5 s/);
    expect((await runCli(['watch', '--server', 'x.example', '--user', 'a', '--every', 'soon'])).stderr).toMatch(/--every must be a duration/);
    expect((await runCli(['watch', '--server', 'x.example', '--user', 'a', '--metrics', 'nowhere'])).stderr).toMatch(/--metrics must be HOST:PORT/);
    const missing = await runCli(['history', 'show', '99', '--history', history]);
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringMatching(/no run 99 in the history/)]);
    expect((await runCli(['history', 'frobnicate', '--history', history])).code).toBe(2);
    const retention = await runCli(['history', 'retention', '--max-runs', '50', '--history', history]);
    expect(retention.stdout).toMatch(/at most 50 runs, none older than 180 days, at most 200 MB/);
  });
});
