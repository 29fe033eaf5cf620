// Bundle entry of the Electron main process (see build-shell.ts): hands the real electron module to the shell.
// Paths are found next to the bundle (dist/shell), so the same file works from the source tree
// and inside a package built by electron-builder.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBackend } from '../app/backend.js';
import { defaultHistoryFile } from '../history/paths.js';
import type { MainElectronLike } from './electron-like.js';
import { startShell } from './main.js';

const here = dirname(fileURLToPath(import.meta.url));
const electron = createRequire(import.meta.url)('electron') as MainElectronLike;
// Started at once, not after 'ready': the shell registers the app:// scheme and the OS's open-file
// events before the app is ready, as Electron requires.
void startShell(
  electron,
  createBackend({ accountsFile: join(electron.app.getPath('userData'), 'accounts.json'), historyFile: defaultHistoryFile(), secretBox: electron.safeStorage }),
  {
    preload: join(here, 'preload.cjs'),
    rendererDir: join(here, '..', 'renderer'),
    readFile: async (f) => new Uint8Array(await readFile(f)),
    argv: process.argv,
  },
);
