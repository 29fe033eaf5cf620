// SQLite for the run history: sql.js, SQLite compiled to WebAssembly.
//
// Why sql.js and not better-sqlite3: better-sqlite3 is a native addon that must be compiled for
// each Electron ABI (electron-builder's install-app-deps rebuilds it, which needs a compiler and
// Electron's headers on every build machine; its prebuilt binaries are downloaded at install time,
// which cannot happen here or in CI) and a mismatch only shows when the packaged app starts. sql.js
// is plain JS + one .wasm file: the same bytes run under Node 20, in Electron's main process and in
// tests, with nothing to rebuild. Its cost: the whole database lives in memory and is written back
// whole (store.ts writes it atomically), which suits a history of a few MB kept under a retention cap.
//
// Packaging: the .wasm is read with fs and handed over as `wasmBinary` (no fetch, no file:// URL),
// so it may sit inside app.asar (Electron's fs reads asar transparently; asarUnpack is needed only
// for native .node files, which sql.js has none of). The shell bundle must ship the file next to
// main.mjs as `sql-wasm.wasm` (SIPLADDER_SQL_WASM names another place).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SqlJsStatic } from 'sql.js';

const WASM_FILE = 'sql-wasm.wasm';

/** Where the .wasm is: an explicit path, next to the running bundle (packaged app), or in node_modules. */
export function sqlWasmPath(env: Record<string, string | undefined> = process.env): string {
  if (env.SIPLADDER_SQL_WASM) return env.SIPLADDER_SQL_WASM;
  const beside = join(dirname(fileURLToPath(import.meta.url)), WASM_FILE);
  if (existsSync(beside)) return beside;
  return createRequire(import.meta.url).resolve(`sql.js/dist/${WASM_FILE}`);
}

let loading: Promise<SqlJsStatic> | null = null;

/** sql.js, loaded on first use (its loader alone would add ~20 ms to every CLI command's start) and instantiated once per process (compiling the module takes ~50 ms). */
export function loadSqlite(): Promise<SqlJsStatic> {
  loading ??= import('sql.js')
    .then(({ default: initSqlJs }) => initSqlJs({ wasmBinary: new Uint8Array(readFileSync(sqlWasmPath())).buffer }))
    .catch((e: unknown) => {
      loading = null;
      throw e;
    });
  return loading;
}
