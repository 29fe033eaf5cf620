// `sipladder` command line: check an account from a terminal or a script.
import type { Readable, Writable } from 'node:stream';
import { TOOL_VERSION } from '../engine/version.js';
import { CHECK_USAGE } from './args.js';
import { auditCommand } from './audit-command.js';
import { checkCommand } from './check-command.js';
import { historyCommand } from './history-command.js';
import { importCommand } from './import-command.js';
import { openCommand } from './open-command.js';
import { reflectorCommand } from './reflector-command.js';
import { ringCommand } from './ring-command.js';
import { startCommand } from './start-command.js';
import { terminalSafeIo } from './terminal-io.js';
import { watchCommand } from './watch-command.js';

export interface CliIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  env: Record<string, string | undefined>;
}

interface Command {
  /** One line for `sipladder help`. */
  summary: string;
  /** `stop` resolves on SIGINT/SIGTERM: long-running commands end cleanly on it. */
  run(argv: string[], io: CliIo, stop: () => Promise<void>): Promise<number>;
}

/** Every command, in the order `help` lists them: adding one is one entry here and its own file. */
const COMMANDS: Record<string, Command> = {
  audit: { summary: 'probe your own SIP server the way scanners do and report what it exposes (--i-operate-this-server)', run: (a, io) => auditCommand(a, io) },
  check: { summary: 'probe a SIP account over UDP/TCP/TLS/WS from different source ports', run: (a, io) => checkCommand(a, io) },
  history: {
    summary: 'runs kept on this computer: list, show, export as a bundle, compare two (history ids or bundles)',
    run: (a, io) => historyCommand(a, io),
  },
  import: { summary: 'read a capture (pcap, pcapng, ngrep -W byline text): exchanges, findings, ladders', run: (a, io) => importCommand(a, io) },
  open: {
    summary: "show a diagnostic bundle (.sipladder) a customer sent (--browser: in the app's browser mode)",
    run: (a, io, stop) => (a.includes('--browser') ? startCommand(a, io, stop()) : openCommand(a, io)),
  },
  reflector: { summary: 'run the companion server a provider can put next to its SIP server', run: (a, io, stop) => reflectorCommand(a, io, stop()) },
  ring: {
    summary: 'register, ask you to call the account, and show whether and how the call arrives (never accepted)',
    run: (a, io, stop) => ringCommand(a, io, stop()),
  },
  start: {
    summary:
      'open the app (Electron; browser mode where Electron is not installed, or with --browser; in a source checkout the page hot-reloads, --built serves the build)',
    run: (a, io, stop) => startCommand(a, io, stop()),
  },
  watch: {
    summary: 'check again every interval (--every 5m --for 24h): each run kept in the history, changes between runs',
    run: (a, io, stop) => watchCommand(a, io, stop()),
  },
};

const USAGE = `sipladder ${TOOL_VERSION}: why won't my SIP phone register?

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`)
  .join('\n')}
  help       this text

${CHECK_USAGE}`;

const untilInterrupted = (): Promise<void> =>
  new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });

export async function main(argv: string[], rawIo: CliIo): Promise<number> {
  // The one output boundary: every command writes through it (JSON stays valid JSON).
  const io = terminalSafeIo(rawIo);
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    io.stdout.write(USAGE + '\n');
    return name ? 0 : 2;
  }
  if (name === '--version') {
    io.stdout.write(TOOL_VERSION + '\n');
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    io.stderr.write(`sipladder: unknown command "${name}"\n\n${USAGE}\n`);
    return 2;
  }
  return command.run(rest, io, untilInterrupted);
}
