// What the run history keeps about each run (the store lives in electron/history; these are the
// types both sides and the UI share).
import type { Diagnosis } from '../diagnosis/types.js';
import { failed, succeeded, type Result } from '../model/result-type.js';
import type { CheckResult } from '../model/results.js';
import type { ChangeEvent } from './changes.js';
import type { RunComparison } from './compare.js';
import type { RunSnapshot } from './snapshot.js';

/** Where a stored run came from: a one-off check, a bundle that was opened, an imported capture, a watch cycle. */
export const RUN_KINDS = ['check', 'bundle', 'import', 'watch'] as const;

/** Imported captures with more trace events than this are not kept in the history (storing one would stall the main process); the app says so where it offers the bundle. */
export const MAX_HISTORY_IMPORT_EVENTS = 20_000;
export type RunKind = (typeof RUN_KINDS)[number];

/** One row of the history list: everything but the results themselves. */
export interface HistoryEntrySummary {
  id: number;
  kind: RunKind;
  /** ISO wall-clock time the run was stored. */
  createdAt: string;
  server: string;
  user: string;
  verdict: string;
  durationMs: number;
  /** Bytes the results take in the database (compressed). */
  storedBytes: number;
  /** Size of the bundle the run came from or was exported to, if any. */
  bundleBytes?: number;
  /** Watch runs of one `watch` session share this id. */
  watchId?: string;
}

export interface HistoryEntry extends HistoryEntrySummary {
  result: CheckResult;
}

/** How much history is kept; enforced on every insert (oldest runs go first). */
export interface Retention {
  maxRuns: number;
  maxAgeDays: number;
  maxMegabytes: number;
}

export const DEFAULT_RETENTION: Retention = { maxRuns: 2000, maxAgeDays: 180, maxMegabytes: 200 };

/** Bounds of what a user may set (a history of 0 runs or of a terabyte is a typo). */
export const RETENTION_LIMITS: Record<keyof Retention, { min: number; max: number }> = {
  maxRuns: { min: 1, max: 100_000 },
  maxAgeDays: { min: 1, max: 3650 },
  maxMegabytes: { min: 1, max: 10_000 },
};

/** Validates untrusted retention settings (CLI, IPC); never throws. */
export function validateRetention(input: unknown): Result<Partial<Retention>> {
  if (typeof input !== 'object' || input === null) return failed(['retention must be an object']);
  const errors: string[] = [];
  const value: Partial<Retention> = {};
  for (const [key, v] of Object.entries(input)) {
    if (!Object.hasOwn(RETENTION_LIMITS, key)) {
      errors.push(`unknown retention setting "${key}"`);
      continue;
    }
    const { min, max } = RETENTION_LIMITS[key as keyof Retention];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) errors.push(`${key} must be a whole number from ${min} to ${max}`);
    else value[key as keyof Retention] = v;
  }
  return errors.length ? failed(errors) : succeeded(value);
}

/** How the app's "Keep checking" runs (the CLI's --every, --for, --full-every). */
export interface WatchSettings {
  everyMs: number;
  forMs: number;
  fullEvery: number;
}

/** Progress of a watch, as the app receives it. */
export type WatchEvent =
  | { watchId: string; type: 'started'; settings: WatchSettings; at: string }
  | {
      watchId: string;
      type: 'run';
      index: number;
      full: boolean;
      verdict: string;
      incomplete: boolean;
      cycleMs: number;
      snapshot: RunSnapshot;
      changes: ChangeEvent[];
      historyId?: number;
    }
  | { watchId: string; type: 'ended'; runs: number; end: 'count' | 'duration' | 'stopped' | 'auth-failed' | 'failed'; message?: string };

/** Two runs side by side, with what the compare view draws (both results, for the two ladders). */
export interface ComparedRuns {
  comparison: RunComparison;
  before: { entry: HistoryEntrySummary; result: CheckResult; diagnosis: Diagnosis };
  after: { entry: HistoryEntrySummary; result: CheckResult; diagnosis: Diagnosis };
}
