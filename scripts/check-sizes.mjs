#!/usr/bin/env node
// Fails on a source file over MAX_FILE_LINES lines or a function over MAX_FUNCTION_LINES lines in
// shared/, electron/ and renderer/ (README "Conventions"). Functions are found with the TypeScript
// compiler's own parser, so arrow functions, methods and accessors count as well as declarations.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';

const MAX_FILE_LINES = 400;
const MAX_FUNCTION_LINES = 80;
const AREAS = ['shared', 'electron', 'renderer'];

const root = resolve(new URL('..', import.meta.url).pathname);

function* files(dir) {
  let entries = [];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of entries) {
    if (name === 'node_modules' || name === 'dist') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (/\.(ts|tsx|mts)$/.test(name) && !name.endsWith('.d.ts')) yield p;
  }
}

/** A readable name for a function node: its own, the variable or property it is assigned to, or "(anonymous)". */
function nameOf(node) {
  if (node.name) return node.name.getText();
  const parent = node.parent;
  if (parent && (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) && parent.name)
    return parent.name.getText();
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  return '(anonymous)';
}

const problems = [];
for (const area of AREAS) {
  for (const file of files(join(root, area))) {
    const text = readFileSync(file, 'utf8');
    const rel = relative(root, file);
    const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
    if (lines > MAX_FILE_LINES) problems.push(`${rel}: ${lines} lines (at most ${MAX_FILE_LINES})`);
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
    const visit = (node) => {
      if (ts.isFunctionLike(node) && 'body' in node && node.body) {
        const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
        const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
        const length = last - first + 1;
        if (length > MAX_FUNCTION_LINES) problems.push(`${rel}:${first + 1}: function ${nameOf(node)} is ${length} lines (at most ${MAX_FUNCTION_LINES})`);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
}

if (problems.length) {
  console.error(`Files or functions over the size limits:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`sizes ok: no file over ${MAX_FILE_LINES} lines, no function over ${MAX_FUNCTION_LINES} lines in ${AREAS.join('/, ')}/`);
