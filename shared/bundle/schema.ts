// What a .sipladder bundle holds, and the checks a reader applies before trusting it.
import type { Diagnosis } from '../diagnosis/types.js';
import { RESULTS_SCHEMA_VERSION, type CheckResult } from '../model/results.js';

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

export interface BundleManifest {
  bundleSchemaVersion: number;
  resultsSchemaVersion: number;
  app: { name: 'sipladder'; version: string };
  createdAt: string;
  os: string;
  /** One line per attempt and the verdict: enough to triage without opening anything else. */
  summary: { verdict: string; attempts: string[] };
  pseudonymised: boolean;
}

export interface BundleResults {
  result: CheckResult;
  diagnosis: Diagnosis;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function checkManifest(v: unknown): Parsed<BundleManifest> {
  if (!isObject(v) || typeof v.bundleSchemaVersion !== 'number') return { ok: false, error: 'manifest.json is missing or not a SIP Ladder manifest' };
  if (v.bundleSchemaVersion > BUNDLE_SCHEMA_VERSION || (typeof v.resultsSchemaVersion === 'number' && v.resultsSchemaVersion > RESULTS_SCHEMA_VERSION)) {
    const app = isObject(v.app) && typeof v.app.version === 'string' ? v.app.version : 'a newer version';
    return { ok: false, error: `this bundle was made by SIP Ladder ${app} (bundle format ${v.bundleSchemaVersion}); update SIP Ladder to open it` };
  }
  return { ok: true, value: v as unknown as BundleManifest };
}

/** Structural checks of results.json: everything the views index into must be there and typed. */
export function checkResults(v: unknown): Parsed<BundleResults> {
  if (!isObject(v) || !isObject(v.result) || !isObject(v.diagnosis)) return { ok: false, error: 'results.json does not hold results and a diagnosis' };
  const r = v.result;
  if (!Array.isArray(r.attempts) || !Array.isArray(r.trace) || !isObject(r.account) || typeof r.startedAt !== 'string') return { ok: false, error: 'results.json: results are incomplete' };
  for (const e of r.trace as unknown[]) {
    if (!isObject(e) || typeof e.seq !== 'number' || typeof e.t !== 'number' || typeof e.attempt !== 'number' || typeof e.kind !== 'string') return { ok: false, error: 'results.json: a trace event is malformed' };
    if (e.bytes !== undefined && (typeof e.bytes !== 'string' || !/^[A-Za-z0-9+/=]*$/.test(e.bytes))) return { ok: false, error: `results.json: trace event ${e.seq} has invalid bytes` };
  }
  for (const a of r.attempts as unknown[]) {
    if (!isObject(a) || typeof a.id !== 'number' || typeof a.label !== 'string' || typeof a.outcome !== 'string' || !Array.isArray(a.traceSeqs)) return { ok: false, error: 'results.json: an attempt is malformed' };
  }
  const d = v.diagnosis;
  if (typeof d.verdict !== 'string' || !Array.isArray(d.findings)) return { ok: false, error: 'results.json: the diagnosis is malformed' };
  return { ok: true, value: v as unknown as BundleResults };
}
