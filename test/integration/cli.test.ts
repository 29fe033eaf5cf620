// `sipladder check` as a user runs it: flags, exit codes, table and JSON output.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESULTS_SCHEMA_VERSION, type CheckResult } from '../../shared/model/results.js';
import { startRegistrar, type Fixture } from '../../electron/demo/registrar.js';
import { freeUdpPort, runCli } from './helpers.js';

const run = runCli;

let fx: Fixture;
beforeAll(async () => {
  fx = await startRegistrar({ transports: ['udp', 'tcp'], users: { alice: 'pw-in-env-123' } });
});
afterAll(() => fx.close());

const base = async () => [
  'check',
  '--server',
  '127.0.0.1',
  '--user',
  'alice',
  '--port',
  String(fx.ports.udp),
  '--transports',
  'udp',
  '--fixed-port',
  String(await freeUdpPort()),
];

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
    expect(r.stdout).toMatch(/rejected or went unanswered 2 time/);
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

  it('imports a capture and names the server-side view of field story 000', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sl-imp-'));
    const m = (lines: string[]) => lines.map((l) => `${l}.`).join('\n') + '\n.';
    const text = [
      'U 2013/07/19 22:17:34.920749 203.0.113.50:5060 -> 66.151.32.200:5060',
      m(['REGISTER sip:ostel.co SIP/2.0', 'Via: SIP/2.0/UDP 0.0.0.0:5060;branch=z9hG4bKj', 'Call-ID: j', 'CSeq: 1 REGISTER', 'Content-Length: 0']),
      '#',
      'U 2013/07/19 22:17:34.921155 66.151.32.200:5060 -> 203.0.113.50:5060',
      m([
        'SIP/2.0 401 Unauthorized',
        'Via: SIP/2.0/UDP 0.0.0.0:5060;branch=z9hG4bKj;rport=5060',
        'Call-ID: j',
        'CSeq: 1 REGISTER',
        'WWW-Authenticate: Digest realm="o", nonce="n"',
        'Content-Length: 0',
      ]),
      '#',
      'U 2013/07/19 22:33:18.372770 203.0.113.50:42680 -> 66.151.32.200:5060',
      m(['REGISTER sip:ostel.co SIP/2.0', 'Via: SIP/2.0/UDP 0.0.0.0:49153;branch=z9hG4bKl;rport', 'Call-ID: l', 'CSeq: 3 REGISTER', 'Content-Length: 0']),
      '#',
      'U 2013/07/19 22:33:18.373112 66.151.32.200:5060 -> 203.0.113.50:42680',
      m(['SIP/2.0 200 OK', 'Via: SIP/2.0/UDP 0.0.0.0:49153;branch=z9hG4bKl;rport=42680', 'Call-ID: l', 'CSeq: 3 REGISTER', 'Content-Length: 0']),
    ].join('\n');
    writeFileSync(join(dir, 'ostel.txt'), text);
    const r = await run(['import', join(dir, 'ostel.txt'), '--bundle', join(dir, 'ostel.sipladder')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/4 SIP messages in 2 exchanges/);
    expect(r.stdout).toMatch(/\[error\] Clients on port 5060 never answer the challenge/);
    // Other people's phones seen in a capture: no predictions for clients of this computer, no "checked in".
    expect(r.stdout).toMatch(/^Seen over 943\.45 s of capture\.$/m);
    expect(r.stdout).not.toMatch(/Would these clients register here|Checked in/);
    expect(r.stderr).toMatch(/Bundle written/);
    expect((await run(['open', join(dir, 'ostel.sipladder')])).stdout).toMatch(/inbound UDP 5060 is likely filtered/);
    writeFileSync(join(dir, 'x.bin'), new Uint8Array([0xff, 0xfe, 0, 1]));
    expect(await run(['import', join(dir, 'x.bin')])).toMatchObject({ code: 1, stderr: expect.stringMatching(/not a pcap or pcapng file/) });
  });

  it('runs as an installed binary', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [new URL('../../electron/cli/bin.mjs', import.meta.url).pathname, '--version']);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
