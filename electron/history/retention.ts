// Retention of the run history, applied on every insert: runs older than maxAgeDays, beyond the
// newest maxRuns, or beyond maxMegabytes of stored results go, oldest first. The run just stored
// always stays (a single run larger than the cap is still kept: dropping it would lose it silently).
import type { Database } from 'sql.js';
import type { Retention } from '../../shared/history/types.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Bytes a row takes besides its results (columns, index entries, page slack): an estimate. */
export const ROW_OVERHEAD_BYTES = 200;

/** The id below which (inclusive) runs exceed the size cap, counting from the newest. */
function lastIdOverSize(db: Database, maxBytes: number): number | null {
  const stmt = db.prepare('SELECT id, length(result) FROM runs ORDER BY id DESC');
  try {
    let total = 0;
    let first = true;
    while (stmt.step()) {
      const [id, size] = stmt.get() as [number, number];
      total += size + ROW_OVERHEAD_BYTES;
      if (total > maxBytes && !first) return id;
      first = false;
    }
    return null;
  } finally {
    stmt.free();
  }
}

/** Deletes what the retention settings no longer allow; returns how many runs went. */
export function enforceRetention(db: Database, r: Retention, now: number, keepId: number | null): number {
  const keep = keepId ?? -1;
  db.run('DELETE FROM runs WHERE created_at < ? AND id != ?', [now - r.maxAgeDays * DAY_MS, keep]);
  let deleted = db.getRowsModified();
  db.run('DELETE FROM runs WHERE id NOT IN (SELECT id FROM runs ORDER BY id DESC LIMIT ?) AND id != ?', [r.maxRuns, keep]);
  deleted += db.getRowsModified();
  const overSize = lastIdOverSize(db, r.maxMegabytes * 1024 * 1024);
  if (overSize !== null) {
    db.run('DELETE FROM runs WHERE id <= ? AND id != ?', [overSize, keep]);
    deleted += db.getRowsModified();
  }
  // Free pages would otherwise stay in the file that is written back whole.
  if (deleted > 0) db.run('VACUUM');
  return deleted;
}
