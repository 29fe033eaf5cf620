// Hostile strings from a server, a bundle and a capture reach the terminal only as visible escapes,
// through every human-readable CLI output (check, open, import, reflector).
import dgram from 'node:dgram';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportBundle } from '../../electron/bundle/bundle.js';
import type { CheckResult } from '../../shared/model/results.js';
import { freeUdpPort, runCli } from './helpers.js';

/** Characters that steer a terminal (see shared/text/terminal-safe.ts). */
const STEERING = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
/** A reason phrase that is valid SIP (RFC 3261 §25.1: UTF8-NONASCII) yet steers a terminal: C1 CSI, bidi override, ESC. */
const HOSTILE_REASON = '\u009b32mRegistered\u009b0m \u202eKO\u202c \x1b]0;pwned\x07';

function expectNeutralised(text: string): void {
  expect(text).not.toMatch(STEERING);
}

let server: dgram.Socket;
let serverPort: number;
beforeAll(async () => {
  // A fake registrar: 403 with a hostile reason phrase to every request, echoing what matching needs.
  server = dgram.createSocket('udp4');
  server.on('message', (msg, rinfo) => {
    const text = msg.toString('utf8');
    const copy = (name: string): string => text.match(new RegExp(`^${name}:[^\\r\\n]*`, 'im'))?.[0] ?? '';
    const reply = [
      `SIP/2.0 403 ${HOSTILE_REASON}`,
      copy('Via'),
      copy('From'),
      `${copy('To')};tag=h`,
      copy('Call-ID'),
      copy('CSeq'),
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    server.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => server.bind(0, '127.0.0.1', r));
  serverPort = server.address().port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const checkArgs = async (): Promise<string[]> => [
  'check',
  '--server',
  '127.0.0.1',
  '--user',
  'alice',
  '--port',
  String(serverPort),
  '--transports',
  'udp',
  '--fixed-port',
  String(await freeUdpPort()),
  '--skip-path-probes',
];

describe('terminal output is neutralised', () => {
  it('check: a hostile reason phrase from the server is shown escaped', async () => {
    const r = await runCli(await checkArgs());
    expect(r.code).toBe(1);
    expectNeutralised(r.stdout + r.stderr);
    expect(r.stdout).toContain('403 \\u009b32mRegistered\\u009b0m \\u202eKO\\u202c');
  });

  it('check --json: still valid JSON, with the exact string', async () => {
    const r = await runCli([...(await checkArgs()), '--json']);
    expectNeutralised(r.stdout);
    const json = JSON.parse(r.stdout) as CheckResult;
    expect(json.attempts[0]!.reason).toBe(HOSTILE_REASON);
  });

  it('open: hostile strings inside a bundle are shown escaped', async () => {
    const json = JSON.parse((await runCli([...(await checkArgs()), '--json'])).stdout) as CheckResult;
    json.attempts[0]!.label = 'UDP \x1b]52;c;cm0gLXJmIH4=\x07 \x1b[2K\rRegistered';
    json.attempts[0]!.detail = 'fine\x1b[1A\x1b[32m✔ registered';
    const file = join(mkdtempSync(join(tmpdir(), 'sl-hostile-')), 'hostile.sipladder');
    writeFileSync(file, exportBundle(json).bytes);
    const r = await runCli(['open', file]);
    expect(r.code).toBe(0);
    expectNeutralised(r.stdout + r.stderr);
    expect(r.stdout).toContain('UDP \\x1b]52;c;cm0gLXJmIH4=\\x07 \\x1b[2K\\rRegistered');
    expect(r.stdout).toContain('fine\\x1b[1A\\x1b[32m✔ registered');
  });

  it('import: hostile strings inside a capture are shown escaped', async () => {
    const lines = (l: string[]): string => l.map((x) => `${x}.`).join('\n') + '\n.';
    const text = [
      'U 2024/01/01 10:00:00.000000 192.0.2.50:5060 -> 198.51.100.1:5060',
      lines([
        'REGISTER sip:example.com SIP/2.0',
        'Via: SIP/2.0/UDP 192.0.2.50:5060;branch=z9hG4bKa',
        'Call-ID: \x1b]0;title\x07',
        'CSeq: 1 REGISTER',
        'Content-Length: 0',
      ]),
      '#',
      'U 2024/01/01 10:00:00.010000 198.51.100.1:5060 -> 192.0.2.50:5060',
      lines([
        `SIP/2.0 403 ${HOSTILE_REASON}`,
        'Via: SIP/2.0/UDP 192.0.2.50:5060;branch=z9hG4bKa',
        'Call-ID: \x1b]0;title\x07',
        'CSeq: 1 REGISTER',
        'Content-Length: 0',
      ]),
    ].join('\n');
    const file = join(mkdtempSync(join(tmpdir(), 'sl-hostile-')), 'hostile.txt');
    writeFileSync(file, text);
    const r = await runCli(['import', file]);
    expectNeutralised(r.stdout + r.stderr);
    expect(r.stdout).toContain('\\x1b]0;title\\x07');
  });

  it('reflector: its messages are neutralised too', async () => {
    const r = await runCli(['reflector', '--listen', '\x1b]0;owned\x07']);
    expect(r.code).toBe(2);
    expectNeutralised(r.stderr);
    expect(r.stderr).toContain('\\x1b]0;owned\\x07');
  });
});
