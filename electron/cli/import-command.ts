// `sipladder import FILE`: a capture (pcap, pcapng, or ngrep -W byline text) → exchanges, findings,
// ladders; optionally saved as a bundle so it opens in the app.
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { diagnose } from '../../shared/diagnosis/diagnose.js';
import { asciiLadder } from '../../shared/ladder/ascii.js';
import { ladderModel } from '../../shared/ladder/model.js';
import { exportBundle } from '../bundle/bundle.js';
import { importCaptureFile } from '../capture/import-stream.js';
import type { CliIo } from './main.js';
import { attemptTable, findingsText } from './table.js';
import { countOf } from '../../shared/capture/count-text.js';

const LADDERS_SHOWN = 3;
const TABLE_ROWS = 50;

export async function importCommand(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { bundle: { type: 'string' } } });
  } catch (e) {
    io.stderr.write(`sipladder import: ${(e as Error).message}\n`);
    return 2;
  }
  const file = parsed.positionals[0];
  if (!file || parsed.positionals.length > 1) {
    io.stderr.write('Usage: sipladder import FILE.pcap|.pcapng|ngrep.txt [--bundle OUT.sipladder]\n');
    return 2;
  }
  try {
    const imported = await importCaptureFile(file, {});
    const { result } = imported;
    const d = diagnose(result);
    io.stdout.write(
      `${file}: ${imported.format === 'pcap' ? `${countOf(imported.packets, 'packet')}, ` : ''}${countOf(imported.messages, 'SIP message')} in ${countOf(result.attempts.length, 'exchange')}\n${result.capture?.leftOut ? `${result.capture.leftOut}\n` : ''}\n`,
    );
    const rows = result.attempts.length > TABLE_ROWS ? { ...result, attempts: result.attempts.slice(0, TABLE_ROWS) } : result;
    io.stdout.write(
      `${findingsText(d)}\n\n${attemptTable(rows)}\n${rows === result ? '' : `… and ${result.attempts.length - TABLE_ROWS} more exchanges (all are in the bundle)\n`}`,
    );
    const cited = new Set(d.findings.flatMap((f) => f.attempts));
    const shown = result.attempts
      .filter((a) => cited.has(a.id))
      .slice(0, LADDERS_SHOWN)
      .map((a) => a.id);
    for (const c of ladderModel(result, d.findings, shown.length ? shown : result.attempts.slice(0, 1).map((a) => a.id)))
      io.stdout.write(`\n${asciiLadder(c)}\n`);
    if (parsed.values.bundle) {
      await writeFile(parsed.values.bundle, exportBundle(result).bytes);
      io.stderr.write(`Bundle written: ${parsed.values.bundle}\n`);
    }
    return 0;
  } catch (e) {
    io.stderr.write(`sipladder import: ${(e as Error).message}\n`);
    return 1;
  }
}
