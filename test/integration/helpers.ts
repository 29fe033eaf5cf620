import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import dgram from 'node:dgram';
import { PassThrough, Readable } from 'node:stream';
import { main } from '../../electron/cli/main.js';
import { check } from '../../electron/engine/check.js';
import { defaultDeps } from '../../electron/engine/deps.js';
import type { CheckOptions } from '../../shared/model/check-options.js';
import type { AttemptResult, CheckResult } from '../../shared/model/results.js';
import type { Transport } from '../../shared/model/trace.js';
import type { Fixture } from '../../electron/demo/registrar.js';

export const CA_PEM = readFileSync(new URL('../../electron/demo/certs/ca.pem', import.meta.url), 'utf8');

/** A UDP port that is free right now (stands in for 5060, which tests cannot rely on). */
export async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const p = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

export async function checkFixture(fx: Fixture, over: Partial<CheckOptions> = {}): Promise<CheckResult> {
  const transports = over.transports ?? (Object.keys(fx.ports) as Transport[]);
  const ports: Partial<Record<Transport, number>> = {};
  for (const t of transports) ports[t] = fx.ports[t as keyof Fixture['ports']];
  return check(
    {
      server: '127.0.0.1',
      user: 'alice',
      password: 'secret',
      transports,
      ports,
      fixedSourcePort: await freeUdpPort(),
      caPem: CA_PEM,
      skipPathProbes: true,
      ...over,
    },
    defaultDeps(),
  );
}

export function byLabel(r: CheckResult, label: string): AttemptResult {
  const a = r.attempts.find((x) => x.label === label || x.label.startsWith(label));
  if (!a) throw new Error(`no attempt "${label}" in ${r.attempts.map((x) => x.label).join(', ')}`);
  return a;
}

export function outcomes(r: CheckResult): Record<string, string> {
  return Object.fromEntries(r.attempts.map((a) => [a.label.replace(/port \d+$/, 'port N'), a.outcome]));
}

/** `sipladder ARGV` in-process, as a user runs it: exit code and everything written to stdout and stderr. */
export async function runCli(
  argv: string[],
  opts: { env?: Record<string, string>; stdin?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (d) => (stdout += d));
  err.on('data', (d) => (stderr += d));
  const code = await main(argv, { stdin: Readable.from([opts.stdin ?? '']), stdout: out, stderr: err, env: opts.env ?? {} });
  return { code, stdout, stderr };
}

/** A backend's files in a test's own directory: tests never touch the user's accounts or history. */
export const tempFiles = (dir: string): { accountsFile: string; historyFile: string } => ({
  accountsFile: join(dir, 'accounts.json'),
  historyFile: join(dir, 'history.sqlite'),
});
