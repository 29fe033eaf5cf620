// The CLI as one esbuild bundle (dist/cli/main.mjs), rebuilt whenever a source under electron/ or
// shared/ (or package.json) is newer than it. Measured: `sipladder --help` starts in 0.75 s through
// tsx and in about 0.2 s from the bundle, and every command's code runs without tsx's per-function
// wrappers. Packages stay outside the bundle (loaded from node_modules as usual); the demo
// registrar's certificates are copied beside it (it reads them from its own directory).
import { copyFileSync, mkdirSync, readdirSync, renameSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT_DIR = join(ROOT, 'dist', 'cli');
const BUNDLE = join(OUT_DIR, 'main.mjs');
const SOURCES = ['electron', 'shared'];
const CERTS = join(ROOT, 'electron', 'demo', 'certs');

/** Newest modification time of the files the bundle is made of (ms). */
function newestSource() {
  let newest = statSync(join(ROOT, 'package.json')).mtimeMs;
  for (const dir of SOURCES) {
    for (const entry of readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
    }
  }
  return newest;
}

/** Builds the bundle and dates it as its newest source: a source saved while esbuild ran is newer, so the next start rebuilds. */
async function rebuild(newest) {
  const { build } = await import('esbuild'); // only to rebuild: loading it costs as much as the check itself
  const out = await build({
    entryPoints: [join(ROOT, 'electron', 'cli', 'main.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    write: false,
    logLevel: 'warning',
  });
  // Each file goes through a file of this process and a rename: CLI processes started together may build at once, and none reads half a file.
  mkdirSync(join(OUT_DIR, 'certs'), { recursive: true });
  for (const name of readdirSync(CERTS)) {
    const temporary = join(OUT_DIR, 'certs', `${name}.${process.pid}.tmp`);
    copyFileSync(join(CERTS, name), temporary);
    renameSync(temporary, join(OUT_DIR, 'certs', name));
  }
  const temporary = `${BUNDLE}.${process.pid}.tmp`;
  writeFileSync(temporary, out.outputFiles[0].contents);
  utimesSync(temporary, newest / 1000, newest / 1000);
  renameSync(temporary, BUNDLE);
}

/** Path of an up-to-date bundle, built first if needed; null when it cannot be written (a read-only install): run the sources then. */
export async function cliBundle() {
  let built = 0;
  try {
    built = statSync(BUNDLE).mtimeMs;
  } catch {
    // not built yet
  }
  const newest = newestSource();
  if (Math.floor(built) >= Math.floor(newest)) return BUNDLE; // whole ms: utimes does not keep every fraction
  try {
    await rebuild(newest);
    return BUNDLE;
  } catch (e) {
    if (e && typeof e === 'object' && ['EACCES', 'EROFS', 'EPERM'].includes(e.code)) return null;
    throw e;
  }
}
