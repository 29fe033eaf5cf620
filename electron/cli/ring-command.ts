// `sipladder ring`: register the account, ask the user to call it from another phone, and show
// whether (and how) the call arrived. The call is never accepted; Ctrl-C cancels and unregisters.
import { parseArgs } from 'node:util';
import { diagnoseCallback, diagnoseRing } from '../../shared/diagnosis/rules-ring.js';
import { DEFAULT_RING_WAIT_S, MAX_RING_WAIT_S, type RingProgress } from '../../shared/model/ring.js';
import { defaultDeps } from '../engine/deps.js';
import { callbackProbe } from '../engine/ring/callback-probe.js';
import { ringTest } from '../engine/ring/ring-test.js';
import { parseSchedule } from '../reflector/callback-protocol.js';
import { CHECK_USAGE, parseCheckArgs } from './args.js';
import { readCredentialFiles } from './check-command.js';
import type { CliIo } from './main.js';
import { findingsText } from './table.js';

export const RING_USAGE = `Usage: sipladder ring --server HOST --user USER [--wait S] [check options]

Registers the account over the first of --transports (default udp), asks you to call it from another
phone, and waits up to --wait seconds (default ${DEFAULT_RING_WAIT_S}, at most ${MAX_RING_WAIT_S}) for the call. The call is never
accepted: the test answers 180 Ringing, then 486 Busy Here, and removes the registration at the end.
--source-port N registers from that local port. --idle 30,120,300: after the call, stay quiet that
long (no keep-alives) and ask for another call, to see when calls stop arriving (at most 4, each
≤ 300 s). Ctrl-C cancels (and still unregisters).
Exit codes: 0 the call arrived, 1 it did not (or registration failed), 2 usage error.

       sipladder ring --callback 5,30,120 --reflector HOST[:PORT] [--source-port N] [--json]
No second phone: registers to a SIP Ladder reflector over UDP, which calls back (OPTIONS and an
INVITE, answered 486) after each delay (at most 4, each ≤ 300 s), showing how long the router keeps
the flow open for incoming calls without traffic, and whether an ALG changes the INVITE.

Account and connection options are those of sipladder check:
${CHECK_USAGE.split('\n').slice(2, 17).join('\n')}`;

/** Takes `--NAME VALUE` (or `--NAME=VALUE`) out of argv: the rest are check options. */
function takeOption(argv: string[], name: string): { value?: string; rest: string[] } {
  const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return { rest: argv };
  const inline = argv[i]!.includes('=');
  return { value: (inline ? argv[i]!.split('=')[1] : argv[i + 1]) ?? '', rest: [...argv.slice(0, i), ...argv.slice(i + (inline ? 1 : 2))] };
}

function progressLine(e: RingProgress): string {
  if (e.type === 'waiting')
    return `\nCall ${e.aor} ${e.round ? 'again ' : ''}now from another phone; waiting up to ${e.waitS} s (registered over ${e.transport.toUpperCase()}; Ctrl-C cancels)\n`;
  if (e.type === 'idle') return `  staying quiet for ${e.seconds} s (no keep-alives), then asking for call ${e.round + 1}`;
  if (e.type === 'invite')
    return `  INVITE arrived ${(e.invite.afterRegistrationMs / 1000).toFixed(1)} s after registering, from ${e.invite.from.address}:${e.invite.from.port} (caller ${e.invite.caller}); answering 180, then 486 Busy Here`;
  if (e.type === 'unregistering') return '  removing the registration';
  return `  ${e.text}`;
}

/** `--callback LIST --reflector HOST[:PORT]`: the reflector calls back instead of a person (no account needed). */
async function callbackMode(argv: string[], io: CliIo, stop: Promise<void>, complain: (s: string) => number): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: { callback: { type: 'string' }, reflector: { type: 'string' }, 'source-port': { type: 'string' }, json: { type: 'boolean' } },
    }));
  } catch (e) {
    return complain((e as Error).message);
  }
  const where = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(String(values.reflector ?? ''));
  if (!where) return complain('--callback needs --reflector HOST[:PORT]');
  const schedule = parseSchedule(String(values.callback));
  if (!schedule.ok) return complain(`--callback: ${schedule.reason}`);
  const localPort = values['source-port'] === undefined ? undefined : Number(values['source-port']);
  const abort = new AbortController();
  void stop.then(() => abort.abort(new Error('interrupted')));
  io.stderr.write(`  registering to the reflector; callbacks after ${schedule.delaysS.join(', ')} s (stay quiet meanwhile)\n`);
  const reflector = { host: where[1]!.replace(/^\[|\]$/g, ''), port: where[2] ? Number(where[2]) : undefined };
  const result = await callbackProbe({ reflector, delaysS: schedule.delaysS, localPort }, defaultDeps(), abort.signal);
  const diagnosis = diagnoseCallback(result);
  const lines = result.probes.map(
    (p) =>
      `  after ${p.delayS} s (quiet ${p.quietS} s): OPTIONS ${p.optionsArrived ? 'arrived' : 'missing'}, INVITE ${p.inviteArrived ? 'arrived' : 'missing'}${p.rewritten.length ? `, changed: ${p.rewritten.map((d) => d.what).join(', ')}` : ''}`,
  );
  io.stdout.write((values.json ? JSON.stringify({ ...result, diagnosis }, null, 2) : `${findingsText(diagnosis)}\n\n${lines.join('\n')}`) + '\n');
  return result.registered && result.probes.length > 0 ? 0 : 1;
}

export async function ringCommand(argv: string[], io: CliIo, stop: Promise<void>): Promise<number> {
  const complain = (s: string): number => (io.stderr.write(`sipladder ring: ${s}\n\n${RING_USAGE}\n`), 2);
  if (argv.some((a) => a === '--callback' || a.startsWith('--callback='))) return callbackMode(argv, io, stop, complain);
  const waitOpt = takeOption(argv, 'wait');
  const idleOpt = takeOption(waitOpt.rest, 'idle');
  const rest = idleOpt.rest;
  const wait = waitOpt.value === undefined ? undefined : /^\d+$/.test(waitOpt.value) ? Number(waitOpt.value) : NaN;
  if (wait !== undefined && !(wait >= 1 && wait <= MAX_RING_WAIT_S)) return complain(`--wait must be 1 to ${MAX_RING_WAIT_S} seconds`);
  const idle = idleOpt.value === undefined ? undefined : parseSchedule(idleOpt.value);
  if (idle && !idle.ok) return complain(`--idle: ${idle.reason}`);
  const withUdpDefault = rest.some((a) => a.startsWith('--transports')) ? rest : [...rest, '--transports', 'udp'];
  const parsed = parseCheckArgs(withUdpDefault);
  if (!parsed.ok) return complain(parsed.errors.join('\n'));
  const unusable = await readCredentialFiles(parsed.value, io, 'ring');
  if (unusable) {
    io.stderr.write(unusable + '\n');
    return 2;
  }
  const { options, json } = parsed.value;
  const abort = new AbortController();
  void stop.then(() => abort.abort(new Error('interrupted')));
  const result = await ringTest(
    options,
    wait,
    defaultDeps(),
    {
      signal: abort.signal,
      onProgress: (e) => void io.stderr.write(progressLine(e) + '\n'),
    },
    idle?.ok ? idle.delaysS : [],
  );
  const diagnosis = diagnoseRing(result);
  io.stdout.write(
    (json ? JSON.stringify({ ...result, diagnosis }, null, 2) : `${findingsText(diagnosis)}\n\nRegistration removed: ${result.unregistered ? 'yes' : 'no'}`) +
      '\n',
  );
  return result.outcome === 'invite-arrived' ? 0 : 1;
}
