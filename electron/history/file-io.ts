// Durable writes of the history file. sql.js keeps the database in memory, so every change writes
// the whole file: to a temporary file in the same directory, fsync'd, then renamed over the old one
// (rename is atomic on POSIX and NTFS), then the directory fsync'd. A crash at any point leaves
// either the old database or the new one, never a torn file. A lock file serialises writers of
// different processes (the app and a `sipladder watch` in a terminal): each reads the current file
// under the lock, applies its change and writes, so neither loses the other's runs.
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/** A lock older than this belongs to a crashed writer (a write of a capped history takes < 1 s). */
export const LOCK_STALE_MS = 30_000;
/** How long a writer waits for another one before giving up. */
export const LOCK_WAIT_MS = 10_000;
const LOCK_POLL_MS = 25;

export async function readIfExists(file: string): Promise<Uint8Array | null> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

export async function writeAtomically(file: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  const handle = await open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
  // The rename itself is durable only once the directory is (not possible on Windows: skip there).
  if (process.platform !== 'win32') {
    const dir = await open(dirname(file), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }
}

async function removeStaleLock(lock: string, now: number): Promise<void> {
  try {
    const { mtimeMs } = await stat(lock);
    if (now - mtimeMs > LOCK_STALE_MS) await rm(lock, { force: true });
  } catch {
    /* gone meanwhile: the next try takes it */
  }
}

/** Runs `fn` holding `file`.lock (created exclusively), waiting at most LOCK_WAIT_MS for it. */
export async function withFileLock<T>(file: string, fn: () => Promise<T>): Promise<T> {
  await mkdir(dirname(file), { recursive: true });
  const lock = `${file}.lock`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const handle = await open(lock, 'wx', 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (Date.now() > deadline) throw new Error(`the history ${file} is locked by another SIP Ladder (remove ${lock} if none is running)`);
      await removeStaleLock(lock, Date.now());
      await new Promise((r) => setTimeout(r, LOCK_POLL_MS));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { force: true });
  }
}
