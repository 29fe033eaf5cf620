// `sipladder check` as a user runs it: flags, exit codes, table and JSON output.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../electron/cli/main.js';
import { RESULTS_SCHEMA_VERSION, type CheckResult } from '../../shared/model/results.js';
import { startRegistrar, type Fixture } from '../../electron/demo/registrar.js';
import { freeUdpPort } from './helpers.js';

async function run(argv: string[], opts: { env?: Record<string, string>; stdin?: string } = {}) {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (d) => (stdout += d));
  err.on('data', (d) => (stderr += d));
  const code = await main(argv, { stdin: Readable.from([opts.stdin ?? '']), stdout: out, stderr: err, env: opts.env ?? {} });
  return { code, stdout, stderr };
}

let fx: Fixture;
beforeAll(async () => {
  fx = await startRegistrar({ transports: ['udp', 'tcp'], users: { alice: 'pw-in-env-123' } });
});
afterAll(() => fx.close());

const base = async () => ['check', '--server', '127.0.0.1', '--user', 'alice', '--port', String(fx.ports.udp), '--transports', 'udp', '--fixed-port', String(await freeUdpPort())];

describe('sipladder check', () => {
  it('exits 0 and prints one row per attempt when registration works', async () => {
    const r = await run([...(await base()), '--password-env', 'SIP_PW'], { env: { SIP_PW: 'pw-in-env-123' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ATTEMPT\s+SERVER\s+LOCAL PORT\s+OUTCOME\s+TIME/m);
    expect(r.stdout).toMatch(/UDP from an ephemeral port\s+127\.0\.0\.1:\d+\s+\d+\s+registered 200/);
    expect(r.stdout + r.stderr).not.toContain('pw-in-env-123');
  });

  it('reads the password from stdin and prints versioned JSON', async () => {
    const r = await run([...(await base()), '--password-stdin', '--json'], { stdin: 'pw-in-env-123\nignored' });
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as CheckResult;
    expect(json.schemaVersion).toBe(RESULTS_SCHEMA_VERSION);
    for (const a of json.attempts) {
      expect(a).toEqual(expect.objectContaining({ transport: 'udp', outcome: 'registered', durationMs: expect.any(Number), localPort: expect.any(Number) }));
      expect(a.traceSeqs.length).toBeGreaterThan(3);
    }
    expect(json.account.passwordGiven).toBe(true);
    expect(r.stdout).not.toContain('pw-in-env-123');
  });

  it('exits 1 when registration fails everywhere', async () => {
    const r = await run([...(await base()), '--password-env', 'SIP_PW'], { env: { SIP_PW: 'wrong' } });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/auth-failed 401/);
    expect(r.stdout).toMatch(/^Registration fails everywhere: the server rejects the user name or password\.$/m);
    expect(r.stdout).toMatch(/rejected 2 time/);
  });

  it.each([
    [['check'], /--server is required/],
    [['check', '--server', 'x y', '--user', 'a'], /not a valid host name/],
    [['check', '--server', 'h', '--user', 'a', '--port', '99999'], /--port must be a port number/],
    [['check', '--server', 'h', '--user', 'a', '--transports', 'udp,carrier-pigeon'], /unknown transport "carrier-pigeon"/],
    [['check', '--server', 'h', '--user', 'a', '--bogus'], /Unknown option '--bogus'/],
    [['check', '--server', 'h', '--user', 'a', '--password-env', 'NOPE'], /NOPE is not set/],
    [['check', '--server', 'h', '--user', 'a', '--ca-file', '/nonexistent.pem'], /cannot read --ca-file/],
    [['frobnicate'], /unknown command "frobnicate"/],
  ])('exits 2 on usage error %j', async (argv, message) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('writes a pseudonymised bundle with --bundle and reads it back with `open`', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sl-cli-'));
    const file = join(dir, 'ticket.sipladder');
    const r = await run([...(await base()), '--password-env', 'SIP_PW', '--bundle', file, '--pseudonymise'], { env: { SIP_PW: 'pw-in-env-123' } });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/Bundle written: .*ticket\.sipladder .*pseudonymised: user alice → user1/);
    const opened = await run(['open', file]);
    expect(opened.code).toBe(0);
    expect(opened.stdout).toMatch(/^Bundle from SIP Ladder \d+\.\d+\.\d+, .* \(pseudonymised\)$/m);
    expect(opened.stdout).toMatch(/^Registration works over UDP\.$/m);
    expect(opened.stdout).not.toContain('alice');
    writeFileSync(join(dir, 'bad.sipladder'), 'garbage');
    const bad = await run(['open', join(dir, 'bad.sipladder')]);
    expect(bad).toMatchObject({ code: 1, stderr: expect.stringContaining('not a SIP Ladder bundle') });
    expect((await run(['check', '--server', 'h', '--user', 'a', '--pseudonymise'])).stderr).toMatch(/--pseudonymise goes with --bundle/);
  });

  it('runs as an installed binary', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [new URL('../../electron/cli/bin.mjs', import.meta.url).pathname, '--version']);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
