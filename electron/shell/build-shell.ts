// Bundles the Electron main process and preload with esbuild (main as ESM for Node, preload as
// CommonJS because sandboxed preloads cannot import modules).
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SHELL_DIST = `${ROOT}dist/shell`;

export async function buildShell(): Promise<string> {
  await build({
    entryPoints: [`${ROOT}electron/shell/entry-main.ts`], bundle: true, platform: 'node', format: 'esm', outfile: `${SHELL_DIST}/main.mjs`,
    external: ['electron', 'vite', 'esbuild', 'tsx'], logLevel: 'warning',
  });
  await build({ entryPoints: [`${ROOT}electron/shell/entry-preload.ts`], bundle: true, platform: 'browser', format: 'cjs', outfile: `${SHELL_DIST}/preload.cjs`, external: ['electron'], logLevel: 'warning' });
  return `${SHELL_DIST}/main.mjs`;
}
