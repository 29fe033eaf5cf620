// `sipladder open FILE`: a bundle a customer sent, re-diagnosed with this version's rules.
import { readFile } from 'node:fs/promises';
import { openBundle } from '../bundle/bundle.js';
import type { CliIo } from './main.js';
import { attemptTable, findingsText } from './table.js';

/** `sipladder open FILE`: a bundle's verdict, findings and attempts, re-diagnosed with this version's rules. */
export async function openCommand(argv: string[], io: CliIo): Promise<number> {
  const file = argv[0];
  if (!file || argv.length > 1) {
    io.stderr.write('Usage: sipladder open FILE.sipladder\n');
    return 2;
  }
  try {
    const b = openBundle(new Uint8Array(await readFile(file)));
    io.stdout.write(
      `Bundle from SIP Ladder ${b.manifest.app.version}, ${b.manifest.createdAt}${b.manifest.pseudonymised ? ' (pseudonymised)' : ''}\n\n` +
        `${findingsText(b.diagnosis)}\n\n${attemptTable(b.result)}\n`,
    );
    return 0;
  } catch (e) {
    io.stderr.write(`sipladder open: ${(e as Error).message}\n`);
    return 1;
  }
}
