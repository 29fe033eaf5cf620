// The one result type of every check of untrusted input: IPC and HTTP arguments, CheckOptions,
// bundle files, the reflector's config. `error` is what a caller shows in one line; `errors` keeps
// each problem apart for callers that place them (the form puts each next to its field).
// shared/sip/header-values.ts keeps its own Parsed: its failures carry the offset in the header
// value where parsing stopped, which the strict parser reports, and they never reach a user alone.
import * as v from 'valibot';

export type Result<T> = { ok: true; value: T } | { ok: false; error: string; errors: string[] };

export const succeeded = <T>(value: T): Result<T> => ({ ok: true, value });

export const failed = (errors: string[]): { ok: false; error: string; errors: string[] } => ({ ok: false, error: errors.join('; '), errors });

/** "result.attempts[0].target": where in a document an issue is ('' at the top level). */
export function issuePath(issue: v.BaseIssue<unknown>): string {
  return (issue.path ?? []).map((p, i) => (typeof p.key === 'number' ? `[${p.key}]` : `${i ? '.' : ''}${String(p.key)}`)).join('');
}

/** A value checked against a schema; each issue becomes one problem, by default its message alone (schemas here give messages a user can act on). */
export function parseWith<S extends v.GenericSchema>(
  schema: S,
  value: unknown,
  describe: (issue: v.BaseIssue<unknown>) => string = (i) => i.message,
): Result<v.InferOutput<S>> {
  const parsed = v.safeParse(schema, value);
  return parsed.success ? succeeded(parsed.output) : failed(parsed.issues.map(describe));
}
