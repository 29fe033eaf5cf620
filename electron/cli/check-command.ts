// `sipladder check`: probe an account over every transport; verdict, findings and attempts.
import { readFile, writeFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { exportBundle } from '../bundle/bundle.js';
import { check } from '../engine/check.js';
import { defaultDeps } from '../engine/deps.js';
import { sendRunToHep } from '../export/hep.js';
import { diagnose } from '../../shared/diagnosis/diagnose.js';
import { CHECK_USAGE, parseCheckArgs, type ParsedCheck } from './args.js';
import type { CliIo } from './main.js';
import { attemptTable, findingsText } from './table.js';

/** Limit for --password-stdin: one line, no more. */
const MAX_STDIN_BYTES = 4096;

export async function readFirstLine(stream: Readable): Promise<string> {
  let text = '';
  for await (const chunk of stream) {
    text += chunk.toString();
    if (text.includes('\n') || text.length > MAX_STDIN_BYTES) break;
  }
  return text.split(/\r?\n/)[0] ?? '';
}

/**
 * Fills in the password (--password-env / --password-stdin) and the CA (--ca-file) of parsed check
 * flags; returns what is wrong in words, or null. Shared by every command that runs a check.
 */
export async function readCredentialFiles(parsed: ParsedCheck, io: CliIo, command: string): Promise<string | null> {
  const { options, passwordFrom, caFile } = parsed;
  if (passwordFrom && 'env' in passwordFrom) {
    const pw = io.env[passwordFrom.env];
    if (pw === undefined) return `sipladder ${command}: environment variable ${passwordFrom.env} is not set`;
    options.password = pw;
  } else if (passwordFrom) {
    options.password = await readFirstLine(io.stdin);
  }
  if (caFile) {
    try {
      options.caPem = await readFile(caFile, 'utf8');
    } catch (e) {
      return `sipladder ${command}: cannot read --ca-file ${caFile}: ${(e as Error).message}`;
    }
  }
  return null;
}

export async function checkCommand(rest: string[], io: CliIo): Promise<number> {
  const say = (s: string): void => void io.stdout.write(s + '\n');
  const complain = (s: string): void => void io.stderr.write(s + '\n');
  const parsed = parseCheckArgs(rest);
  if (!parsed.ok) {
    complain(parsed.errors.map((e) => `sipladder check: ${e}`).join('\n') + `\n\n${CHECK_USAGE}`);
    return 2;
  }
  const { options, json, bundle, hep } = parsed.value;
  const unusable = await readCredentialFiles(parsed.value, io, 'check');
  if (unusable) {
    complain(unusable);
    return 2;
  }
  const abort = new AbortController();
  const onSigint = (): void => abort.abort(new Error('interrupted'));
  process.once('SIGINT', onSigint);
  try {
    const result = await check(options, defaultDeps(), {
      signal: abort.signal,
      onProgress: json
        ? undefined
        : (e) => {
            if (e.type === 'dns') complain(`  dns: ${e.text}`);
            if (e.type === 'attempt-finished') complain(`  attempt ${e.attempt}: ${e.outcome} (${(e.durationMs / 1000).toFixed(2)} s)`);
            // The matrix's verdict at once (≈ 1 s); the path probes may add to it.
            if (e.type === 'matrix-finished')
              complain(`  verdict after ${(e.result.durationMs / 1000).toFixed(2)} s (path probes running): ${diagnose(e.result).verdict}`);
            if (e.type === 'probe-started') complain(`  ${e.probe}...`);
            if (e.type === 'probe-finished') complain(`  ${e.probe}: ${e.outcome} (${(e.durationMs / 1000).toFixed(2)} s)`);
          },
    });
    const diagnosis = diagnose(result);
    if (!json) complain(`  complete after ${(result.durationMs / 1000).toFixed(2)} s`);
    const incomplete = result.incomplete
      ? `\n\nIncomplete: ${result.incomplete.detail}. What did not finish is left out of the findings; run the check again.`
      : '';
    say(json ? JSON.stringify({ ...result, diagnosis }, null, 2) : `${findingsText(diagnosis)}${incomplete}\n\n${attemptTable(result)}`);
    if (bundle) {
      const all = { users: true, domains: true, addresses: true };
      const { bytes, replacements } = exportBundle(result, { pseudonymise: bundle.pseudonymise ? all : undefined });
      await writeFile(bundle.file, bytes);
      complain(
        `Bundle written: ${bundle.file} (${bytes.length} bytes)${replacements.length ? `; pseudonymised: ${replacements.map((r) => `${r.kind} ${r.original} → ${r.pseudonym}`).join(', ')}` : ''}`,
      );
    }
    if (hep) complain(await sendRunToHep(hep, result));
    return result.attempts.some((a) => a.outcome === 'registered') ? 0 : 1;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}
