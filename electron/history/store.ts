// The local run history: every check, opened bundle, imported capture and watch cycle, in one
// SQLite file (sql.js, see sqlite.ts), with retention enforced on every insert. Passwords never
// reach it: results carry only `passwordGiven`, and add() refuses any object with a password field.
import { promisify } from 'node:util';
import { deflate, inflateSync } from 'node:zlib';
import type { Database, SqlValue } from 'sql.js';
import { diagnose } from '../../shared/diagnosis/diagnose.js';
import { MAX_LIST_ROWS } from '../../shared/history/schemas.js';
import { DEFAULT_RETENTION, type HistoryEntry, type HistoryEntrySummary, type Retention, type RunKind } from '../../shared/history/types.js';
import type { CheckResult } from '../../shared/model/results.js';
import { readIfExists, withFileLock, writeAtomically } from './file-io.js';
import { migrate } from './migrations.js';
import { enforceRetention } from './retention.js';
import { loadSqlite } from './sqlite.js';

const deflateAsync = promisify(deflate);

export interface AddRun {
  kind: RunKind;
  result: CheckResult;
  /** Computed from the result when not given (an import's verdict is already known). */
  verdict?: string;
  bundleBytes?: number;
  watchId?: string;
}

export interface HistoryOptions {
  /** Overrides the stored retention settings (e.g. CLI flags). */
  retention?: Partial<Retention>;
  /** Wall clock (ms since the epoch), injectable for retention tests. */
  now?: () => number;
}

export interface ListQuery {
  kind?: RunKind;
  watchId?: string;
  /** Newest first; at most this many. */
  limit?: number;
}

/** Results larger than this (compressed) are refused: one huge capture import would push out every other run. */
export const MAX_STORED_RESULT_BYTES = 32 * 1024 * 1024;

const SUMMARY_COLUMNS = 'id, kind, created_at, server, user, verdict, duration_ms, length(result), bundle_bytes, watch_id';

/** Any field named like a password, at any depth: a result must never carry one. */
function findPasswordField(value: unknown, path = 'result'): string | null {
  if (typeof value !== 'object' || value === null) return null;
  for (const [key, v] of Object.entries(value)) {
    if (/^(password|passwd|secret)$/i.test(key) && v !== undefined && v !== null) return `${path}.${key}`;
    const inner = findPasswordField(v, `${path}.${key}`);
    if (inner) return inner;
  }
  return null;
}

function summaryOf(row: SqlValue[]): HistoryEntrySummary {
  const [id, kind, createdAt, server, user, verdict, durationMs, storedBytes, bundleBytes, watchId] = row;
  return {
    id: Number(id),
    kind: kind as RunKind,
    createdAt: new Date(Number(createdAt)).toISOString(),
    server: String(server),
    user: String(user),
    verdict: String(verdict),
    durationMs: Number(durationMs),
    storedBytes: Number(storedBytes),
    ...(bundleBytes !== null ? { bundleBytes: Number(bundleBytes) } : {}),
    ...(watchId !== null ? { watchId: String(watchId) } : {}),
  };
}

function rows(db: Database, sql: string, params: SqlValue[] = []): SqlValue[][] {
  const stmt = db.prepare(sql);
  try {
    stmt.bind(params);
    const out: SqlValue[][] = [];
    while (stmt.step()) out.push(stmt.get());
    return out;
  } finally {
    stmt.free();
  }
}

export class HistoryStore {
  /** Writes of this process, one after another (other processes: the file lock). */
  private writes: Promise<unknown> = Promise.resolve();
  private readonly now: () => number;

  constructor(
    readonly file: string,
    private readonly options: HistoryOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  private async open(): Promise<Database> {
    const SQL = await loadSqlite();
    const bytes = await readIfExists(this.file);
    const db = new SQL.Database(bytes ?? undefined);
    try {
      migrate(db);
    } catch (e) {
      db.close();
      throw e;
    }
    return db;
  }

  private async read<T>(fn: (db: Database) => T): Promise<T> {
    const db = await this.open();
    try {
      return fn(db);
    } finally {
      db.close();
    }
  }

  private write<T>(fn: (db: Database) => T): Promise<T> {
    const next = this.writes.then(() =>
      withFileLock(this.file, async () => {
        const db = await this.open();
        try {
          const value = fn(db);
          await writeAtomically(this.file, db.export());
          return value;
        } finally {
          db.close();
        }
      }),
    );
    this.writes = next.catch(() => undefined);
    return next;
  }

  private retentionIn(db: Database): Retention {
    const stored = Object.fromEntries(rows(db, 'SELECT key, value FROM settings').map(([k, v]) => [String(k), Number(v)]));
    const keys = Object.keys(DEFAULT_RETENTION) as Array<keyof Retention>;
    return Object.fromEntries(keys.map((k) => [k, this.options.retention?.[k] ?? stored[k] ?? DEFAULT_RETENTION[k]])) as unknown as Retention;
  }

  async add(run: AddRun): Promise<HistoryEntrySummary> {
    const field = findPasswordField(run.result);
    if (field) throw new Error(`refusing to store a run with a password (${field})`);
    // Compressed on libuv's thread pool: a 17,000-message import deflates for a few hundred ms.
    const compressed = await deflateAsync(JSON.stringify(run.result));
    if (compressed.length > MAX_STORED_RESULT_BYTES)
      throw new Error(`results of ${compressed.length} bytes (compressed) are too large for the history (at most ${MAX_STORED_RESULT_BYTES})`);
    const verdict = run.verdict ?? diagnose(run.result).verdict;
    const a = run.result.account;
    const createdAt = this.now();
    return this.write((db) => {
      db.run(
        'INSERT INTO runs (kind, created_at, server, user, verdict, duration_ms, result_encoding, result, bundle_bytes, watch_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [
          run.kind,
          createdAt,
          a.server,
          a.user,
          verdict,
          Math.round(run.result.durationMs),
          'deflate',
          compressed,
          run.bundleBytes ?? null,
          run.watchId ?? null,
        ],
      );
      const id = Number(db.exec('SELECT last_insert_rowid()')[0]!.values[0]![0]);
      enforceRetention(db, this.retentionIn(db), createdAt, id);
      return summaryOf(rows(db, `SELECT ${SUMMARY_COLUMNS} FROM runs WHERE id = ?`, [id])[0]!);
    });
  }

  list(q: ListQuery = {}): Promise<HistoryEntrySummary[]> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    for (const [column, value] of [
      ['kind', q.kind],
      ['watch_id', q.watchId],
    ] as const) {
      if (value === undefined) continue;
      where.push(`${column} = ?`);
      params.push(value);
    }
    const limit = Math.min(q.limit ?? MAX_LIST_ROWS, MAX_LIST_ROWS);
    const sql = `SELECT ${SUMMARY_COLUMNS} FROM runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ${limit}`;
    return this.read((db) => rows(db, sql, params).map(summaryOf));
  }

  get(id: number): Promise<HistoryEntry | undefined> {
    return this.read((db) => {
      const row = rows(db, `SELECT ${SUMMARY_COLUMNS}, result_encoding, result FROM runs WHERE id = ?`, [id])[0];
      if (!row) return undefined;
      const [encoding, blob] = row.slice(-2) as [string, Uint8Array];
      const json = encoding === 'deflate' ? inflateSync(blob).toString('utf8') : new TextDecoder().decode(blob);
      return { ...summaryOf(row.slice(0, -2)), result: JSON.parse(json) as CheckResult };
    });
  }

  retention(): Promise<Retention> {
    return this.read((db) => this.retentionIn(db));
  }

  /** Stores retention settings (validated by the caller: validateRetention) and applies them at once. */
  setRetention(r: Partial<Retention>): Promise<Retention> {
    return this.write((db) => {
      for (const [key, value] of Object.entries(r)) db.run('INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)', [key, String(value)]);
      const effective = this.retentionIn(db);
      enforceRetention(db, effective, this.now(), null);
      return effective;
    });
  }
}
