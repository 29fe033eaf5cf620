// Schemas of the history and watch arguments that cross from the UI to the backend (see
// shared/ipc/methods.ts). Messages are what the caller sees after "invalid argument: ".
import * as v from 'valibot';
import { RUN_KINDS } from './types.js';

/** Bounds of a watch, for the CLI, the app and these schemas alike. */
export const MIN_EVERY_MS = 5_000;
export const MAX_WATCH_MS = 7 * 24 * 3600 * 1000;
export const MAX_WATCH_RUNS = 10_000;
export const DEFAULT_FULL_EVERY = 12;
/** Most rows one history list returns. */
export const MAX_LIST_ROWS = 1000;

const whole = (min: number, max: number, message: string) => v.pipe(v.number(message), v.integer(message), v.minValue(min, message), v.maxValue(max, message));

export const HistoryIdSchema = whole(1, Number.MAX_SAFE_INTEGER, 'history id must be a positive whole number');

const QUERY = `query must be {kind?: ${RUN_KINDS.join('|')}, limit?: 1-${MAX_LIST_ROWS}}`;
export const HistoryQuerySchema = v.strictObject(
  {
    kind: v.optional(v.picklist(RUN_KINDS, QUERY)),
    limit: v.optional(whole(1, MAX_LIST_ROWS, QUERY)),
  },
  QUERY,
);

export const WatchIdSchema = v.pipe(v.string('watchId must be 16 hex digits'), v.regex(/^[0-9a-f]{16}$/, 'watchId must be 16 hex digits'));

export const WatchSettingsSchema = v.strictObject(
  {
    everyMs: whole(MIN_EVERY_MS, MAX_WATCH_MS, `everyMs must be from ${MIN_EVERY_MS} to ${MAX_WATCH_MS}`),
    forMs: whole(1, MAX_WATCH_MS, `forMs must be from 1 to ${MAX_WATCH_MS}`),
    fullEvery: whole(0, MAX_WATCH_RUNS, `fullEvery must be from 0 (never) to ${MAX_WATCH_RUNS}`),
  },
  'settings must be {everyMs, forMs, fullEvery}',
);
