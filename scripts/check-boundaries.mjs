#!/usr/bin/env node
// Enforces the architecture boundaries (README "Architecture"):
//   shared/   pure TypeScript: no Node built-ins, no Electron, no DOM, imports only shared/ and SHARED_PACKAGES
//   renderer/ browser code: no Node built-ins, no Electron, never electron/
//   electron/ the Node side: never renderer/
// shared/tsconfig.json also compiles shared/ without Node or DOM typings; this catches what types cannot.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative, resolve, sep } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;
/**
 * Packages shared/ may import: pure, DOM- and Node-free, and small enough for the renderer.
 * valibot: schemas for every boundary (IPC, bundles, options); tree-shakes to a few KB per schema.
 * @noble/hashes: audited hashes (MD5/SHA-1 for digest and STUN, SHA-2 for RFC 8760), pure JS.
 * fflate: zip for diagnostic bundles, pure JS, so bundles open in the renderer too.
 */
const SHARED_PACKAGES = new Set(['valibot', '@noble/hashes', 'fflate']);
/** The package a bare import names: "@scope/name" or "name", without a subpath ("@noble/hashes/sha2.js"). */
const packageOf = (spec) =>
  spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');
const DOM_GLOBALS = /\b(?:window|document|navigator|localStorage|sessionStorage)\s*\./;

function* files(dir) {
  let entries = [];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of entries) {
    if (name === 'node_modules') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (/\.(ts|tsx|mts|mjs|js)$/.test(name) && !name.endsWith('.d.ts')) yield p;
  }
}

const problems = [];
const rules = {
  shared: (spec, target) => {
    if (builtins.has(spec) || spec.startsWith('node:')) return `imports Node built-in "${spec}"`;
    if (spec === 'electron' || spec.startsWith('electron/')) return 'imports Electron';
    if (target && !target.startsWith(join(root, 'shared') + sep)) return `imports "${spec}" from outside shared/`;
    if (!spec.startsWith('.') && !SHARED_PACKAGES.has(packageOf(spec)))
      return `imports package "${spec}" (shared/ may import only ${[...SHARED_PACKAGES].join(', ')})`;
    return null;
  },
  renderer: (spec, target) => {
    if (builtins.has(spec) || spec.startsWith('node:')) return `imports Node built-in "${spec}"`;
    if (spec === 'electron') return 'imports Electron (use the preload API)';
    if (target && target.startsWith(join(root, 'electron') + sep)) return 'imports from electron/';
    return null;
  },
  electron: (spec, target) => (target && target.startsWith(join(root, 'renderer') + sep) ? 'imports from renderer/' : null),
};

for (const [area, check] of Object.entries(rules)) {
  for (const file of files(join(root, area))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2] ?? m[3];
      const problem = check(spec, spec.startsWith('.') ? resolve(file, '..', spec) : null);
      if (problem) problems.push(`${relative(root, file)}: ${problem}`);
    }
    // shared/ code may not touch the DOM (comments may mention window.x).
    const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
    if (area === 'shared' && DOM_GLOBALS.test(code)) problems.push(`${relative(root, file)}: uses a DOM global`);
  }
}

if (problems.length) {
  console.error(`Architecture boundary violations:\n  ${[...new Set(problems)].join('\n  ')}`);
  process.exit(1);
}
console.log('boundaries ok: shared/ is pure, renderer/ and electron/ stay apart');
