// The reflector's --config file: every problem named by its key, unknown keys refused, nothing
// of a bad file used (the CLI refuses to start rather than run with half a config).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseReflectorConfig } from '../../electron/reflector/config-schema.js';
import { runCli } from '../integration/helpers.js';

const problems = (text: string): string[] => {
  const r = parseReflectorConfig(text);
  return r.ok ? [] : r.errors;
};

describe('reflector config file', () => {
  it('takes every setting of the flags, STUN port defaulting to 3478', () => {
    const r = parseReflectorConfig(
      JSON.stringify({
        listen: '192.0.2.1',
        sipPorts: [5060, 0],
        tls: { port: 5061, certFile: 'c.pem', keyFile: 'k.pem' },
        wsPort: 8080,
        stun: { primary: '192.0.2.1', alternate: '192.0.2.2' },
      }),
    );
    expect(r).toEqual({
      ok: true,
      value: {
        listen: '192.0.2.1',
        sipPorts: [5060, 0],
        tls: { port: 5061, certFile: 'c.pem', keyFile: 'k.pem' },
        wsPort: 8080,
        stun: { primary: '192.0.2.1', alternate: '192.0.2.2', port: 3478 },
      },
    });
  });

  it.each([
    ['{"sipPort":[5060]}', 'sipPort is not a setting'],
    ['{"stun":{"primary":"192.0.2.1","foo":1}}', 'stun.foo is not a setting'],
    ['{"sipPorts":["5060"]}', 'sipPorts[0] must be a port number'],
    ['{"sipPorts":[70000]}', 'sipPorts[0] must be a port from 0 (any free port) to 65535'],
    ['{"sipPorts":[]}', 'sipPorts must be at least one port'],
    ['{"wsPort":1.5}', 'wsPort must be a whole port number'],
    ['{"listen":5060}', 'listen must be an IP address as a string'],
    ['{"tls":{"port":5061}}', 'tls.certFile is missing'],
    ['[]', 'the file must hold one JSON object {"listen","sipPorts","tls","wsPort","stun"}'],
    ['null', 'the file must hold one JSON object {"listen","sipPorts","tls","wsPort","stun"}'],
  ])('%s → %s', (text, problem) => {
    expect(problems(text)).toContain(problem);
  });

  it('says when the file is not JSON', () => {
    expect(problems('listen=1.2.3.4')[0]).toMatch(/^not JSON: /);
  });

  describe('sipladder reflector --config', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sl-refl-config-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('refuses to start on a bad file and names the key', async () => {
      const file = join(dir, 'bad.json');
      writeFileSync(file, '{"listen":"127.0.0.1","sipPorts":[5060],"wsport":8080}');
      const { code, stderr } = await runCli(['reflector', '--config', file]);
      expect(code).toBe(2);
      expect(stderr).toContain('wsport is not a setting');
    });
  });
});
