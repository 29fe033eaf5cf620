// Schema of the history database, as numbered migrations: PRAGMA user_version holds the last one
// applied, so a database written by an older app is brought up to date, and one written by a newer
// app is refused rather than misread.
import type { Database } from 'sql.js';

export const MIGRATIONS: readonly string[] = [
  // 1: one row per stored run. Results are JSON, deflated (encoding says which); server and user are
  // columns so the list needs no decompression and a pseudonymised export can replace them.
  `CREATE TABLE runs (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     kind TEXT NOT NULL CHECK (kind IN ('check', 'bundle', 'import', 'watch')),
     created_at INTEGER NOT NULL,
     server TEXT NOT NULL,
     user TEXT NOT NULL,
     verdict TEXT NOT NULL,
     duration_ms INTEGER NOT NULL,
     result_encoding TEXT NOT NULL CHECK (result_encoding IN ('json', 'deflate')),
     result BLOB NOT NULL,
     bundle_bytes INTEGER
   );
   CREATE INDEX runs_created_at ON runs (created_at);`,
  // 2: watch sessions (runs of one `watch` share an id) and the user's retention settings.
  `ALTER TABLE runs ADD COLUMN watch_id TEXT;
   CREATE INDEX runs_watch_id ON runs (watch_id);
   CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export class HistoryVersionError extends Error {}

/** Applies the migrations the database has not seen yet, each in one transaction. */
export function migrate(db: Database): void {
  const version = Number(db.exec('PRAGMA user_version')[0]?.values[0]?.[0] ?? 0);
  if (version > SCHEMA_VERSION)
    throw new HistoryVersionError(`the history database is from a newer SIP Ladder (schema ${version}, this one knows ${SCHEMA_VERSION})`);
  for (let v = version; v < SCHEMA_VERSION; v++) {
    db.exec(`BEGIN; ${MIGRATIONS[v]}; PRAGMA user_version = ${v + 1}; COMMIT;`);
  }
}
