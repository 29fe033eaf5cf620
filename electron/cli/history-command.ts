// `sipladder history`: the runs kept in the local history — list them, show one, export one as a
// bundle, compare two (history ids or bundle files), set how much is kept.
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { diagnose } from '../../shared/diagnosis/diagnose.js';
import { compareRuns } from '../../shared/history/compare.js';
import { comparisonText } from '../../shared/history/compare-text.js';
import { RUN_KINDS, validateRetention, type RunKind } from '../../shared/history/types.js';
import type { CheckResult } from '../../shared/model/results.js';
import { exportBundle, openBundle } from '../bundle/bundle.js';
import { defaultHistoryFile } from '../history/paths.js';
import { HistoryStore } from '../history/store.js';
import type { CliIo } from './main.js';
import { attemptTable, findingsText } from './table.js';

export const HISTORY_USAGE = `Usage: sipladder history list [--kind check|bundle|import|watch] [--limit N] [--json]
       sipladder history show ID [--json]
       sipladder history export ID --bundle FILE [--pseudonymise]
       sipladder history compare A B [--json]     A, B: history ids or .sipladder bundle files (A: before)
       sipladder history retention [--max-runs N] [--max-age-days N] [--max-mb N]
  --history FILE       the history database (default: SIPLADDER_HISTORY, else the per-user data directory)`;

type Flags = Record<string, string | boolean | undefined>;

class UsageError extends Error {}

const idOf = (text: string | undefined): number => {
  if (!text || !/^\d+$/.test(text)) throw new UsageError(`a history id is a number, got "${text ?? ''}"`);
  return Number(text);
};

async function resultOf(store: HistoryStore, ref: string): Promise<CheckResult> {
  if (/^\d+$/.test(ref)) {
    const entry = await store.get(Number(ref));
    if (!entry) throw new UsageError(`no run ${ref} in the history`);
    return entry.result;
  }
  return openBundle(new Uint8Array(await readFile(ref))).result;
}

async function list(store: HistoryStore, flags: Flags, say: (s: string) => void): Promise<void> {
  const kind = flags.kind as RunKind | undefined;
  if (kind !== undefined && !RUN_KINDS.includes(kind)) throw new UsageError(`--kind must be one of ${RUN_KINDS.join(', ')}`);
  const limit = flags.limit === undefined ? 50 : idOf(String(flags.limit));
  const entries = await store.list({ ...(kind ? { kind } : {}), limit });
  if (flags.json) return say(JSON.stringify(entries, null, 2));
  if (!entries.length) return say('The history is empty.');
  for (const e of entries)
    say(`${String(e.id).padStart(5)}  ${e.createdAt.slice(0, 19).replace('T', ' ')}  ${e.kind.padEnd(6)}  ${e.user}@${e.server}  ${e.verdict}`);
}

async function run(sub: string | undefined, args: string[], flags: Flags, store: HistoryStore, io: CliIo): Promise<void> {
  const say = (s: string): void => void io.stdout.write(s + '\n');
  if (sub === 'list') return list(store, flags, say);
  if (sub === 'show') {
    const result = await resultOf(store, String(idOf(args[0])));
    return say(
      flags.json ? JSON.stringify({ ...result, diagnosis: diagnose(result) }, null, 2) : `${findingsText(diagnose(result))}\n\n${attemptTable(result)}`,
    );
  }
  if (sub === 'export') {
    if (typeof flags.bundle !== 'string') throw new UsageError('export needs --bundle FILE');
    const result = await resultOf(store, String(idOf(args[0])));
    const { bytes } = exportBundle(result, { pseudonymise: flags.pseudonymise ? { users: true, domains: true, addresses: true } : undefined });
    await writeFile(flags.bundle, bytes);
    return void io.stderr.write(`Bundle written: ${flags.bundle} (${bytes.length} bytes)\n`);
  }
  if (sub === 'compare') {
    if (args.length !== 2) throw new UsageError('compare needs two runs: history ids or bundle files');
    const [a, b] = await Promise.all(args.map((ref) => resultOf(store, ref)));
    const comparison = compareRuns(a!, b!);
    return say(flags.json ? JSON.stringify(comparison, null, 2) : comparisonText(comparison, { before: args[0]!, after: args[1]! }));
  }
  if (sub === 'retention') {
    const asked = Object.fromEntries(
      (
        [
          ['max-runs', 'maxRuns'],
          ['max-age-days', 'maxAgeDays'],
          ['max-mb', 'maxMegabytes'],
        ] as const
      )
        .filter(([flag]) => flags[flag] !== undefined)
        .map(([flag, key]) => [key, Number(flags[flag])]),
    );
    const v = validateRetention(asked);
    if (!v.ok) throw new UsageError(v.errors.join('; '));
    const r = Object.keys(v.value).length ? await store.setRetention(v.value) : await store.retention();
    return say(`Kept: at most ${r.maxRuns} runs, none older than ${r.maxAgeDays} days, at most ${r.maxMegabytes} MB.`);
  }
  throw new UsageError(`unknown subcommand "${sub ?? ''}"`);
}

export async function historyCommand(argv: string[], io: CliIo): Promise<number> {
  let parsed: { values: Flags; positionals: string[] };
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        history: { type: 'string' },
        json: { type: 'boolean' },
        kind: { type: 'string' },
        limit: { type: 'string' },
        bundle: { type: 'string' },
        pseudonymise: { type: 'boolean' },
        'max-runs': { type: 'string' },
        'max-age-days': { type: 'string' },
        'max-mb': { type: 'string' },
      },
    });
  } catch (e) {
    io.stderr.write(`sipladder history: ${(e as Error).message}\n\n${HISTORY_USAGE}\n`);
    return 2;
  }
  const [sub, ...args] = parsed.positionals;
  const store = new HistoryStore(typeof parsed.values.history === 'string' ? parsed.values.history : defaultHistoryFile(io.env));
  try {
    await run(sub, args, parsed.values, store, io);
    return 0;
  } catch (e) {
    io.stderr.write(`sipladder history: ${(e as Error).message}${e instanceof UsageError ? `\n\n${HISTORY_USAGE}` : ''}\n`);
    return e instanceof UsageError ? 2 : 1;
  }
}
