// Electronegativity (Doyensec's Electron security scanner) over the shell's sources in electron/ and
// the built output (main and preload bundles, the renderer's page and scripts), run by `npm test`.
// Offline and without the Electron binary: the Electron version comes from package.json, and the
// one check that downloads Electron's release list is left out. Fails on any finding; the reviewed
// exceptions are suppressed where they occur, each with a comment saying why (eng-disable).
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'vite';
import { buildShell } from '../electron/shell/build-shell.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
/** Needs the network (it fetches Electron's release list); the version is pinned in package.json instead. */
const NETWORK_CHECKS = ['AvailableSecurityFixesGlobalCheck'];
/** The scan takes a few seconds; a hung one must not hang `npm test`. */
const SCAN_TIMEOUT_MS = 120_000;

interface SarifReport {
  runs: Array<{
    results: Array<{
      ruleId: string;
      message: { text: string };
      locations?: Array<{ physicalLocation?: { artifactLocation?: { uri?: string }; region?: { startLine?: number } } }>;
    }>;
  }>;
}

async function scan(input: string): Promise<string[]> {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { optionalDependencies: { electron: string } };
  const electronVersion = pkg.optionalDependencies.electron.replace(/^[\^~]/, '');
  const report = join(input, 'electronegativity.sarif');
  const cli = join(ROOT, 'node_modules', '@doyensec', 'electronegativity', 'dist', 'index.js');
  await promisify(execFile)(process.execPath, [cli, '-i', input, '-o', report, '-e', electronVersion, '-x', NETWORK_CHECKS.join(','), '-r', '-v', 'false'], {
    timeout: SCAN_TIMEOUT_MS,
    maxBuffer: 16 << 20,
  });
  const sarif = JSON.parse(readFileSync(report, 'utf8')) as SarifReport;
  return sarif.runs.flatMap((run) =>
    run.results.map((r) => {
      const where = r.locations?.[0]?.physicalLocation;
      return `${r.ruleId} ${where?.artifactLocation?.uri ?? '(global)'}:${where?.region?.startLine ?? 0} ${r.message.text}`;
    }),
  );
}

async function main(): Promise<number> {
  const work = mkdtempSync(join(tmpdir(), 'sipladder-electronegativity-'));
  try {
    cpSync(join(ROOT, 'electron'), join(work, 'electron'), { recursive: true });
    // Built into the scan's own directory, so a parallel `npm start` or e2e run keeps its dist/.
    await build({
      configFile: join(ROOT, 'build', 'vite.renderer.config.ts'),
      logLevel: 'warn',
      build: { outDir: join(work, 'dist', 'renderer'), emptyOutDir: true },
    });
    await buildShell(join(work, 'dist', 'shell'));
    const findings = await scan(work);
    for (const f of findings) process.stderr.write(`electronegativity: ${f}\n`);
    process.stdout.write(`electronegativity: ${findings.length} finding(s) in electron/ and the built app\n`);
    return findings.length === 0 ? 0 : 1;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

process.exitCode = await main();
