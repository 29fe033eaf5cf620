// `sipladder` command line: check an account from a terminal or a script.
import { readFile, writeFile } from 'node:fs/promises';
import { exportBundle, openBundle } from '../bundle/bundle.js';
import type { Readable, Writable } from 'node:stream';
import { check } from '../engine/check.js';
import { defaultDeps } from '../engine/deps.js';
import { TOOL_VERSION } from '../engine/version.js';
import { CHECK_USAGE, parseCheckArgs } from './args.js';
import { importCommand } from './import-command.js';
import { reflectorCommand } from './reflector-command.js';
import { startCommand } from './start-command.js';
import { diagnose } from '../../shared/diagnosis/diagnose.js';
import { attemptTable, findingsText } from './table.js';
import { terminalSafeIo } from './terminal-io.js';

export interface CliIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  env: Record<string, string | undefined>;
}

const USAGE = `sipladder ${TOOL_VERSION}: why won't my SIP phone register?

Commands:
  check      probe a SIP account over UDP/TCP/TLS/WS from different source ports
  import F   read a capture (pcap, pcapng, ngrep -W byline text): exchanges, findings, ladders
  open FILE  show a diagnostic bundle (.sipladder) a customer sent (--browser: in the app's browser mode)
  reflector  run the companion server a provider can put next to its SIP server
  start      open the app (Electron; browser mode where Electron is not installed, or with --browser)
  help       this text

${CHECK_USAGE}`;

/** Limit for --password-stdin: one line, no more. */
const MAX_STDIN_BYTES = 4096;

async function readFirstLine(stream: Readable): Promise<string> {
  let text = '';
  for await (const chunk of stream) {
    text += chunk.toString();
    if (text.includes('\n') || text.length > MAX_STDIN_BYTES) break;
  }
  return text.split(/\r?\n/)[0] ?? '';
}

export async function main(argv: string[], rawIo: CliIo): Promise<number> {
  // The one output boundary: every command below writes through it (JSON stays valid JSON).
  const io = terminalSafeIo(rawIo);
  const [command, ...rest] = argv;
  const say = (s: string): void => void io.stdout.write(s + '\n');
  const complain = (s: string): void => void io.stderr.write(s + '\n');
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    say(USAGE);
    return command ? 0 : 2;
  }
  if (command === '--version') {
    say(TOOL_VERSION);
    return 0;
  }
  const untilInterrupted = (): Promise<void> => new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  if (command === 'start') return startCommand(rest, io, untilInterrupted());
  if (command === 'reflector') return reflectorCommand(rest, io, untilInterrupted());
  if (command === 'import') return importCommand(rest, io);
  if (command === 'open' && rest.includes('--browser')) return startCommand(rest, io, untilInterrupted());
  if (command === 'open') return openCommand(rest, io);
  if (command !== 'check') {
    complain(`sipladder: unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  const parsed = parseCheckArgs(rest);
  if (!parsed.ok) {
    complain(parsed.errors.map((e) => `sipladder check: ${e}`).join('\n') + `\n\n${CHECK_USAGE}`);
    return 2;
  }
  const { options, json, passwordFrom, caFile, bundle } = parsed.value;
  if (passwordFrom && 'env' in passwordFrom) {
    const pw = io.env[passwordFrom.env];
    if (pw === undefined) {
      complain(`sipladder check: environment variable ${passwordFrom.env} is not set`);
      return 2;
    }
    options.password = pw;
  } else if (passwordFrom) {
    options.password = await readFirstLine(io.stdin);
  }
  if (caFile) {
    try {
      options.caPem = await readFile(caFile, 'utf8');
    } catch (e) {
      complain(`sipladder check: cannot read --ca-file ${caFile}: ${(e as Error).message}`);
      return 2;
    }
  }
  const abort = new AbortController();
  const onSigint = (): void => abort.abort(new Error('interrupted'));
  process.once('SIGINT', onSigint);
  try {
    const result = await check(options, defaultDeps(), {
      signal: abort.signal,
      onProgress: json ? undefined : (e) => {
        if (e.type === 'dns') complain(`  dns: ${e.text}`);
        if (e.type === 'attempt-finished') complain(`  attempt ${e.attempt}: ${e.outcome} (${(e.durationMs / 1000).toFixed(2)} s)`);
        // The matrix's verdict at once (≈ 1 s); the path probes may add to it.
        if (e.type === 'matrix-finished') complain(`  verdict after ${(e.result.durationMs / 1000).toFixed(2)} s (path probes running): ${diagnose(e.result).verdict}`);
        if (e.type === 'probe-started') complain(`  ${e.probe}...`);
        if (e.type === 'probe-finished') complain(`  ${e.probe}: ${e.outcome} (${(e.durationMs / 1000).toFixed(2)} s)`);
      },
    });
    const diagnosis = diagnose(result);
    if (!json) complain(`  complete after ${(result.durationMs / 1000).toFixed(2)} s`);
    const incomplete = result.incomplete ? `\n\nIncomplete: ${result.incomplete.detail}. What did not finish is left out of the findings; run the check again.` : '';
    say(json ? JSON.stringify({ ...result, diagnosis }, null, 2) : `${findingsText(diagnosis)}${incomplete}\n\n${attemptTable(result)}`);
    if (bundle) {
      const all = { users: true, domains: true, addresses: true };
      const { bytes, replacements } = exportBundle(result, { pseudonymise: bundle.pseudonymise ? all : undefined });
      await writeFile(bundle.file, bytes);
      complain(`Bundle written: ${bundle.file} (${bytes.length} bytes)${replacements.length ? `; pseudonymised: ${replacements.map((r) => `${r.kind} ${r.original} → ${r.pseudonym}`).join(', ')}` : ''}`);
    }
    return result.attempts.some((a) => a.outcome === 'registered') ? 0 : 1;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

/** `sipladder open FILE`: a bundle's verdict, findings and attempts, re-diagnosed with this version's rules. */
async function openCommand(argv: string[], io: CliIo): Promise<number> {
  const file = argv[0];
  if (!file || argv.length > 1) {
    io.stderr.write('Usage: sipladder open FILE.sipladder\n');
    return 2;
  }
  try {
    const b = openBundle(new Uint8Array(await readFile(file)));
    io.stdout.write(`Bundle from SIP Ladder ${b.manifest.app.version}, ${b.manifest.createdAt}${b.manifest.pseudonymised ? ' (pseudonymised)' : ''}\n\n` +
      `${findingsText(b.diagnosis)}\n\n${attemptTable(b.result)}\n`);
    return 0;
  } catch (e) {
    io.stderr.write(`sipladder open: ${(e as Error).message}\n`);
    return 1;
  }
}
