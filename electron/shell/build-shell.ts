// Bundles the Electron main process and preload with esbuild (main as ESM for Node, preload as
// CommonJS because sandboxed preloads cannot import modules).
import { copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SHELL_DIST = `${ROOT}dist/shell`;

/**
 * First line of the main bundle. Electronegativity reads eng-disable only from a file's first line
 * or the flagged line, and esbuild drops comments, so the one reviewed exception of the source
 * (guard.ts: openExternal only after externalUrlAllowed) is restated here; the scan of electron/
 * still flags any other openExternal call.
 */
const MAIN_BANNER = '/* eng-disable OPEN_EXTERNAL_JS_CHECK */';
/**
 * CommonJS packages bundled into the ESM main (sql.js, the history's SQLite) call require() and read
 * __dirname, which an ES module lacks: defined here from import.meta.url.
 */
const COMMONJS_GLOBALS =
  "import { createRequire as slCreateRequire } from 'node:module'; import { fileURLToPath as slFileUrlToPath } from 'node:url';" +
  ' const require = slCreateRequire(import.meta.url); const __filename = slFileUrlToPath(import.meta.url); const __dirname = slFileUrlToPath(new URL(".", import.meta.url));';
/** The history's SQLite (WASM), read from beside main.mjs (electron/history/sqlite.ts). */
const SQL_WASM = 'sql-wasm.wasm';

export async function buildShell(outDir = SHELL_DIST): Promise<string> {
  const { build } = await import('esbuild'); // only to build: loading it would slow every CLI command's start
  await build({
    entryPoints: [`${ROOT}electron/shell/entry-main.ts`],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: `${outDir}/main.mjs`,
    external: ['electron', 'vite', 'esbuild', 'tsx'],
    logLevel: 'warning',
    banner: { js: `${MAIN_BANNER}\n${COMMONJS_GLOBALS}` },
  });
  copyFileSync(createRequire(import.meta.url).resolve(`sql.js/dist/${SQL_WASM}`), `${outDir}/${SQL_WASM}`);
  await build({
    entryPoints: [`${ROOT}electron/shell/entry-preload.ts`],
    bundle: true,
    platform: 'browser',
    format: 'cjs',
    outfile: `${outDir}/preload.cjs`,
    external: ['electron'],
    logLevel: 'warning',
  });
  return `${outDir}/main.mjs`;
}
