// `sipladder audit HOST --i-operate-this-server`: what the internet sees of your own SIP server.
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { OPERATOR_CONFIRMATION_MISSING, validateAuditOptions, type AuditOptions } from '../../shared/audit/options.js';
import { diagnose } from '../../shared/diagnosis/diagnose.js';
import type { CheckResult } from '../../shared/model/results.js';
import { runAudit } from '../audit/audit.js';
import { exportBundle } from '../bundle/bundle.js';
import { defaultDeps } from '../engine/deps.js';
import { readFirstLine } from './check-command.js';
import type { CliIo } from './main.js';
import { findingsText } from './table.js';

export const AUDIT_USAGE = `Usage: sipladder audit HOST --i-operate-this-server [options]

Probes your own SIP server the way scanners do (a few requests per test, at most 4 per second,
never more than two failed logins, never a password other than yours) and reports what it gives away.

  --i-operate-this-server  required: you confirm that you operate HOST (or have its operator's permission)
  --user USER            an existing user, compared with a random one (user enumeration; digest replay)
  --auth-user NAME       digest user name, if different from --user
  --password-stdin       your own password for --user, from the first line of standard input
  --domain DOMAIN        SIP domain (default: HOST)
  --port N               UDP port (default 5060)
  --tls-port N           TLS port (default 5061; 0 skips the TLS tests)
  --ca-file FILE         extra CA certificate (PEM) to trust for the certificate test
  --burst                also send a short burst of OPTIONS (24 at 8 per second) to see whether the
                         server throttles: WARNING, it may get this address banned for a while
  --json                 print the full results (with the audit record and findings) as JSON
  --bundle FILE          also write a diagnostic bundle (.sipladder)

Exit codes: 0 nothing serious found, 1 serious problems found, 2 usage error or refused.`;

type Parsed = { options: AuditOptions; json: boolean; bundle?: string; passwordStdin: boolean; caFile?: string };

function parseAuditArgs(argv: string[]): { ok: true; value: Parsed } | { ok: false; errors: string[] } {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        'i-operate-this-server': { type: 'boolean' },
        user: { type: 'string' },
        'auth-user': { type: 'string' },
        'password-stdin': { type: 'boolean' },
        domain: { type: 'string' },
        port: { type: 'string' },
        'tls-port': { type: 'string' },
        'ca-file': { type: 'string' },
        burst: { type: 'boolean' },
        json: { type: 'boolean' },
        bundle: { type: 'string' },
      },
    });
  } catch (e) {
    return { ok: false, errors: [(e as Error).message] };
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) return { ok: false, errors: ['give exactly one HOST'] };
  const errors: string[] = [];
  const port = (flag: string, zeroOk: boolean): number | undefined => {
    const raw = values[flag];
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!/^\d+$/.test(String(raw)) || n > 65535 || (n === 0 && !zeroOk)) errors.push(`--${flag} must be a port number, got "${String(raw)}"`);
    return n;
  };
  const v = validateAuditOptions({
    confirmedOperator: values['i-operate-this-server'] === true,
    server: positionals[0],
    user: values.user,
    authUser: values['auth-user'],
    domain: values.domain,
    port: port('port', false),
    tlsPort: port('tls-port', true),
    burst: values.burst === true ? true : undefined,
    ...(values['password-stdin'] ? { password: '' } : {}),
  });
  if (!v.ok) errors.push(...v.errors);
  if (errors.length || !v.ok) return { ok: false, errors };
  return {
    ok: true,
    value: {
      options: v.value,
      json: values.json === true,
      bundle: values.bundle as string | undefined,
      passwordStdin: values['password-stdin'] === true,
      caFile: values['ca-file'] as string | undefined,
    },
  };
}

/** The audit's own text: what was tested, what was not and why, and every exchange in one line. */
function auditText(result: CheckResult): string {
  const out = [findingsText(diagnose(result)), ''];
  for (const s of result.audit?.skipped ?? []) out.push(`not tested (${s.test}): ${s.reason}`);
  out.push('', 'Exchanges (each is a ladder column in the app and the bundle):');
  for (const a of result.attempts) out.push(`  ${a.id}. ${a.label}: ${a.detail}`);
  out.push(
    `Audited in ${(result.durationMs / 1000).toFixed(2)} s; ${result.attempts.reduce((n, a) => n + a.requestsSent, 0)} SIP requests sent; ${result.authFailures} unaccepted login(s).`,
  );
  return out.join('\n');
}

export async function auditCommand(argv: string[], io: CliIo): Promise<number> {
  const complain = (s: string): void => void io.stderr.write(s + '\n');
  if (!argv.includes('--i-operate-this-server')) {
    complain(
      `sipladder audit: refused: ${OPERATOR_CONFIRMATION_MISSING}.\nProbing someone else's server is what attackers do; add --i-operate-this-server only for your own.\n\n${AUDIT_USAGE}`,
    );
    return 2;
  }
  const parsed = parseAuditArgs(argv);
  if (!parsed.ok) {
    complain(parsed.errors.map((e) => `sipladder audit: ${e}`).join('\n') + `\n\n${AUDIT_USAGE}`);
    return 2;
  }
  const { options, json, bundle, passwordStdin, caFile } = parsed.value;
  if (passwordStdin) options.password = await readFirstLine(io.stdin);
  if (caFile) {
    try {
      options.caPem = await readFile(caFile, 'utf8');
    } catch (e) {
      complain(`sipladder audit: cannot read --ca-file ${caFile}: ${(e as Error).message}`);
      return 2;
    }
  }
  if (options.burst) complain('Warning: --burst sends 24 OPTIONS at 8 per second; a server that throttles may ban this address for a while.');
  const abort = new AbortController();
  const onSigint = (): void => abort.abort(new Error('interrupted'));
  process.once('SIGINT', onSigint);
  try {
    const result = await runAudit(options, defaultDeps(), {
      signal: abort.signal,
      onProgress: json
        ? undefined
        : (e) => {
            if (e.type === 'attempt-step' || e.type === 'dns') complain(`  ${e.text}`);
          },
    });
    const diagnosis = diagnose(result);
    io.stdout.write((json ? JSON.stringify({ ...result, diagnosis }, null, 2) : auditText(result)) + '\n');
    if (bundle) {
      const { bytes } = exportBundle(result);
      await writeFile(bundle, bytes);
      complain(`Bundle written: ${bundle} (${bytes.length} bytes)`);
    }
    return diagnosis.findings.some((f) => f.severity === 'error') ? 1 : 0;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}
