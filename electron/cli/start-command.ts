// `sipladder start` (npm start): the Electron app when its binary is installed, otherwise the same
// UI in the browser mode, served on 127.0.0.1 with a per-run token.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { createBackend, defaultAccountsFile } from '../app/backend.js';
import { defaultHistoryFile } from '../history/paths.js';
import { buildShell } from '../shell/build-shell.js';
import { devRenderer } from '../web/renderer-source.js';
import { startWebServer } from '../web/server.js';
import type { CliIo } from './main.js';
import { BUNDLE_EXTENSION } from '../../shared/bundle/schema.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const RENDERER_DIST = `${ROOT}dist/renderer`;
export const RENDERER_CONFIG = `${ROOT}build/vite.renderer.config.ts`;

/** Path of the Electron binary, or null when the optional dependency could not be installed. */
export function electronBinary(): string | null {
  try {
    const path = createRequire(import.meta.url)('electron') as unknown;
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

/**
 * A git checkout of the sources (not an installed package) serves the renderer from Vite's dev server
 * with hot reload; `--built` asks for the built files instead (what the packaged app and the tests use).
 */
export function isDevelopmentCheckout(root: string, argv: string[]): boolean {
  return !argv.includes('--built') && existsSync(`${root}.git`) && existsSync(`${root}renderer/index.html`);
}

/** Builds the renderer with Vite when dist/ is missing or older than its sources. */
export async function ensureRendererBuilt(io: CliIo): Promise<void> {
  const index = `${RENDERER_DIST}/index.html`;
  const newest = (dir: string): number => {
    let t = 0;
    for (const e of readdirSync(dir, { withFileTypes: true }))
      t = Math.max(t, e.isDirectory() ? newest(`${dir}/${e.name}`) : statSync(`${dir}/${e.name}`).mtimeMs);
    return t;
  };
  if (existsSync(index) && statSync(index).mtimeMs >= Math.max(newest(`${ROOT}renderer`), newest(`${ROOT}shared`), newest(`${ROOT}build`))) return;
  io.stderr.write('Building the user interface (once)…\n');
  const { build } = await import('vite');
  await build({ configFile: RENDERER_CONFIG, logLevel: 'warn' });
}

export async function startCommand(argv: string[], io: CliIo, stop: Promise<void>): Promise<number> {
  const forceBrowser = argv.includes('--browser');
  const electron = forceBrowser ? null : electronBinary();
  // The Electron shell loads app:// from the built files, so only browser mode uses the dev server.
  const dev = !electron && isDevelopmentCheckout(ROOT, argv);
  try {
    if (!dev) await ensureRendererBuilt(io);
  } catch (e) {
    io.stderr.write(
      `sipladder: the user interface could not be built (${(e as Error).message.split('\n')[0]}). Run \`npm install\` again, then \`npm start\`.\n`,
    );
    return 1;
  }
  if (electron) {
    const main = await buildShell();
    const child = spawn(electron, [main, ...argv.filter((a) => a.toLowerCase().endsWith(BUNDLE_EXTENSION))], { stdio: 'inherit' });
    return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 0)));
  }
  const backend = createBackend({ accountsFile: defaultAccountsFile(), historyFile: defaultHistoryFile(io.env) });
  const bundle = argv.find((a) => a.toLowerCase().endsWith(BUNDLE_EXTENSION));
  if (bundle) {
    try {
      await backend.presentFile((await readFile(bundle)).toString('base64'), bundle);
    } catch (e) {
      io.stderr.write(`sipladder: cannot open ${bundle}: ${(e as Error).message}\n`);
      await backend.close();
      return 1;
    }
  }
  const web = await startWebServer(backend, dev ? devRenderer(RENDERER_CONFIG) : RENDERER_DIST);
  if (dev)
    io.stderr.write(
      'Development checkout: the page reloads itself when you edit renderer/ or shared/ (Vite dev server; `npm start -- --built` serves the built files).\n',
    );
  io.stdout.write(
    `${forceBrowser ? '' : 'Electron is not installed here (its binary is downloaded from the internet at install time), so SIP Ladder runs in browser mode.\n'}` +
      `Open this address in your browser (it carries a one-time access token):\n\n  ${web.url}\n\nPress Ctrl+C to stop.\n`,
  );
  await stop;
  await web.close();
  await backend.close();
  return 0;
}
