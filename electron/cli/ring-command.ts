// `sipladder ring`: register the account, ask the user to call it from another phone, and show
// whether (and how) the call arrived. The call is never accepted; Ctrl-C cancels and unregisters.
import { readFile } from 'node:fs/promises';
import { diagnoseRing } from '../../shared/diagnosis/rules-ring.js';
import { DEFAULT_RING_WAIT_S, MAX_RING_WAIT_S, type RingProgress } from '../../shared/model/ring.js';
import { defaultDeps } from '../engine/deps.js';
import { ringTest } from '../engine/ring/ring-test.js';
import { CHECK_USAGE, parseCheckArgs } from './args.js';
import { readFirstLine } from './check-command.js';
import type { CliIo } from './main.js';
import { findingsText } from './table.js';

export const RING_USAGE = `Usage: sipladder ring --server HOST --user USER [--wait S] [check options]

Registers the account over the first of --transports (default udp), asks you to call it from another
phone, and waits up to --wait seconds (default ${DEFAULT_RING_WAIT_S}, at most ${MAX_RING_WAIT_S}) for the call. The call is never
accepted: the test answers 180 Ringing, then 486 Busy Here, and removes the registration at the end.
--source-port N registers from that local port. Ctrl-C cancels (and still unregisters).
Exit codes: 0 the call arrived, 1 it did not (or registration failed), 2 usage error.

Account and connection options are those of sipladder check:
${CHECK_USAGE.split('\n').slice(2, 17).join('\n')}`;

/** Takes `--wait S` out of argv (the rest are check options); NaN when its value is not a number. */
function takeWait(argv: string[]): { wait?: number; rest: string[] } {
  const i = argv.findIndex((a) => a === '--wait' || a.startsWith('--wait='));
  if (i < 0) return { rest: argv };
  const inline = argv[i]!.includes('=');
  const value = inline ? argv[i]!.split('=')[1] : argv[i + 1];
  const rest = [...argv.slice(0, i), ...argv.slice(i + (inline ? 1 : 2))];
  return { wait: /^\d+$/.test(value ?? '') ? Number(value) : NaN, rest };
}

function progressLine(e: RingProgress): string {
  if (e.type === 'waiting') return `\nCall ${e.aor} now from another phone; waiting up to ${e.waitS} s (registered over ${e.transport.toUpperCase()}; Ctrl-C cancels)\n`;
  if (e.type === 'invite') return `  INVITE arrived ${(e.invite.afterRegistrationMs / 1000).toFixed(1)} s after registering, from ${e.invite.from.address}:${e.invite.from.port} (caller ${e.invite.caller}); answering 180, then 486 Busy Here`;
  if (e.type === 'unregistering') return '  removing the registration';
  return `  ${e.text}`;
}

export async function ringCommand(argv: string[], io: CliIo, stop: Promise<void>): Promise<number> {
  const complain = (s: string): number => (io.stderr.write(`sipladder ring: ${s}\n\n${RING_USAGE}\n`), 2);
  const { wait, rest } = takeWait(argv);
  if (wait !== undefined && !(wait >= 1 && wait <= MAX_RING_WAIT_S)) return complain(`--wait must be 1 to ${MAX_RING_WAIT_S} seconds`);
  const withUdpDefault = rest.some((a) => a.startsWith('--transports')) ? rest : [...rest, '--transports', 'udp'];
  const parsed = parseCheckArgs(withUdpDefault);
  if (!parsed.ok) return complain(parsed.errors.join('\n'));
  const { options, json, passwordFrom, caFile } = parsed.value;
  if (passwordFrom && 'env' in passwordFrom) {
    if (io.env[passwordFrom.env] === undefined) return complain(`environment variable ${passwordFrom.env} is not set`);
    options.password = io.env[passwordFrom.env];
  } else if (passwordFrom) options.password = await readFirstLine(io.stdin);
  if (caFile) options.caPem = await readFile(caFile, 'utf8').catch(() => undefined);
  if (caFile && options.caPem === undefined) return complain(`cannot read --ca-file ${caFile}`);
  const abort = new AbortController();
  void stop.then(() => abort.abort(new Error('interrupted')));
  const result = await ringTest(options, wait, defaultDeps(), {
    signal: abort.signal,
    onProgress: (e) => void io.stderr.write(progressLine(e) + '\n'),
  });
  const diagnosis = diagnoseRing(result);
  io.stdout.write((json ? JSON.stringify({ ...result, diagnosis }, null, 2) : `${findingsText(diagnosis)}\n\nRegistration removed: ${result.unregistered ? 'yes' : 'no'}`) + '\n');
  return result.outcome === 'invite-arrived' ? 0 : 1;
}
