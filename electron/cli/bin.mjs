#!/usr/bin/env node
// Entry point of `sipladder`: runs the CLI's bundle (cli-bundle.mjs builds it on the first run and
// after any change to the sources), or the TypeScript sources through tsx where the bundle cannot
// be written (a read-only install).
import { cliBundle } from './cli-bundle.mjs';

const bundle = await cliBundle();
let main;
if (bundle) ({ main } = await import(bundle));
else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('./main.ts'));
}
process.exitCode = await main(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env });
