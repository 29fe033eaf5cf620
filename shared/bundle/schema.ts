// What a .sipladder bundle holds, and the checks a reader applies before trusting it: the version
// first (a clear message for a newer bundle), then the complete schema of every file's JSON.
import * as v from 'valibot';
import type { Diagnosis } from '../diagnosis/types.js';
import { RESULTS_SCHEMA_VERSION, type CheckResult } from '../model/results.js';
import { count } from './path-results-schema.js';
import { CheckResultSchema, DiagnosisSchema } from './results-schema.js';
import { failed, issuePath, succeeded, type Result } from '../model/result-type.js';

export const BUNDLE_SCHEMA_VERSION = 1;
export const BUNDLE_EXTENSION = '.sipladder';

export const BUNDLE_FILES = {
  manifest: 'manifest.json',
  results: 'results.json',
  pcapng: 'trace.pcapng',
  svg: 'ladder.svg',
  ascii: 'ladder.txt',
  report: 'report.md',
} as const;

/** The manifest's schema; BundleManifest is inferred from it. */
export const BundleManifestSchema = v.object({
  bundleSchemaVersion: count,
  resultsSchemaVersion: count,
  app: v.object({ name: v.literal('sipladder'), version: v.string() }),
  createdAt: v.string(),
  os: v.string(),
  /** One line per attempt and the verdict: enough to triage without opening anything else. */
  summary: v.object({ verdict: v.string(), attempts: v.array(v.string()) }),
  pseudonymised: v.boolean(),
});
export type BundleManifest = v.InferOutput<typeof BundleManifestSchema>;

const BundleResultsSchema = v.object({ result: CheckResultSchema, diagnosis: DiagnosisSchema });

export interface BundleResults {
  result: CheckResult;
  diagnosis: Diagnosis;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The whole document checked against its schema; the error names the first wrong leaf by its path. */
function parseAgainst<T>(file: string, schema: v.GenericSchema<unknown, T>, value: unknown): Result<T> {
  const parsed = v.safeParse(schema, value);
  if (parsed.success) return succeeded(parsed.output);
  const [first] = parsed.issues;
  const more = parsed.issues.length > 1 ? ` (and ${parsed.issues.length - 1} more problem${parsed.issues.length > 2 ? 's' : ''})` : '';
  return failed([`${file} is not valid: ${issuePath(first) || '(top level)'}: ${first.message}${more}`]);
}

export function checkManifest(value: unknown): Result<BundleManifest> {
  if (!isObject(value) || typeof value.bundleSchemaVersion !== 'number') return failed(['manifest.json is missing or not a SIP Ladder manifest']);
  if (
    value.bundleSchemaVersion > BUNDLE_SCHEMA_VERSION ||
    (typeof value.resultsSchemaVersion === 'number' && value.resultsSchemaVersion > RESULTS_SCHEMA_VERSION)
  ) {
    const app = isObject(value.app) && typeof value.app.version === 'string' ? value.app.version : 'a newer version';
    return failed([`this bundle was made by SIP Ladder ${app} (bundle format ${value.bundleSchemaVersion}); update SIP Ladder to open it`]);
  }
  return parseAgainst(BUNDLE_FILES.manifest, BundleManifestSchema, value);
}

/** Complete check of results.json: every field of the results and the diagnosis, at every depth. */
export function checkResults(value: unknown): Result<BundleResults> {
  return parseAgainst(BUNDLE_FILES.results, BundleResultsSchema, value);
}
