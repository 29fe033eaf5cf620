// Capture import on the process that also serves the UI: the file is read in chunks and each
// chunk is processed in slices with a turn of the event loop between them, so IPC and HTTP
// requests (progress, Cancel) are served while a 200,000-packet capture is read.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { FileRanges } from '../../shared/capture/arena.js';
import { CaptureImport, type CaptureProgress, type ImportedCapture } from '../../shared/capture/import.js';

/** Bytes read from disk at a time. */
export const IMPORT_CHUNK_BYTES = 1024 * 1024;
/** Bytes processed between two turns of the event loop (about 5–10 ms of work). */
export const IMPORT_SLICE_BYTES = 256 * 1024;
/** Least time between two progress reports. */
export const PROGRESS_INTERVAL_MS = 100;
/** A capture file whose messages are read back is closed after this long without a read. */
export const FILE_IDLE_CLOSE_MS = 2000;

export class ImportCancelled extends Error {
  constructor() {
    super('import cancelled');
    this.name = 'ImportCancelled';
  }
}

export interface ImportOptions {
  source: string;
  totalBytes?: number;
  signal?: AbortSignal;
  onProgress?: (p: CaptureProgress) => void;
  /** Clock for progress throttling (injectable for tests). */
  now?: () => number;
  /** Reads the capture file back: its messages are then kept as places in it, not copied. */
  file?: FileRanges;
  /** Progress carries the dialogs as they appear and change (the app's list while it reads). */
  liveDialogs?: boolean;
}

/** Imports a capture from chunks in file order, yielding to the event loop between slices. */
export async function importChunks(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, o: ImportOptions): Promise<ImportedCapture> {
  const now = o.now ?? (() => performance.now());
  const im = new CaptureImport(o.totalBytes, o.file);
  let lastReport = -Infinity;
  for await (const chunk of chunks) {
    for (let at = 0; at < chunk.length; at += IMPORT_SLICE_BYTES) {
      if (o.signal?.aborted) throw new ImportCancelled();
      im.push(chunk.subarray(at, at + IMPORT_SLICE_BYTES));
      if (o.onProgress && now() - lastReport >= PROGRESS_INTERVAL_MS) {
        lastReport = now();
        o.onProgress(im.progress(o.liveDialogs));
      }
      await nextTurn();
    }
  }
  if (o.signal?.aborted) throw new ImportCancelled();
  const done = im.finish(o.source);
  o.onProgress?.(im.progress());
  return done;
}

/** Slices of a buffer already in memory (an upload from the UI). */
export function* slicesOf(bytes: Uint8Array, size = IMPORT_CHUNK_BYTES): Generator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

/**
 * A capture file, streamed from disk through two reused buffers: never held whole, and no garbage
 * chunk per read (the reader copies what it keeps).
 */
export async function importCaptureFile(path: string, o: Omit<ImportOptions, 'totalBytes' | 'source'> & { source?: string }): Promise<ImportedCapture> {
  const file = await open(path, 'r');
  try {
    const { size, mtimeMs } = await file.stat();
    // Two buffers: the next chunk is read while this one is imported (the disk's wait hidden behind the work).
    const buffers = [new Uint8Array(IMPORT_CHUNK_BYTES), new Uint8Array(IMPORT_CHUNK_BYTES)];
    async function* chunks(): AsyncGenerator<Uint8Array> {
      let next = 0;
      let reading = file.read(buffers[next]!, 0, IMPORT_CHUNK_BYTES, null);
      try {
        for (;;) {
          const { bytesRead, buffer } = await reading;
          if (bytesRead === 0) return;
          next ^= 1;
          reading = file.read(buffers[next]!, 0, IMPORT_CHUNK_BYTES, null);
          yield buffer.subarray(0, bytesRead);
        }
      } finally {
        // A cancelled import leaves one read in flight: awaited here, so its failure cannot become an unhandled rejection.
        await reading.catch(() => undefined);
      }
    }
    return await importChunks(chunks(), { ...o, source: o.source ?? path, totalBytes: size, file: fileRanges(path, size, mtimeMs) });
  } finally {
    await file.close();
  }
}

/**
 * Ranges of an imported file, read back synchronously (a trace event's bytes are a getter). The
 * file is opened on demand and closed when idle, so results kept for long hold no descriptor; a
 * file that changed since the import is refused rather than read as the wrong messages.
 */
export function fileRanges(path: string, size: number, mtimeMs: number): FileRanges {
  let fd: number | null = null;
  let lastRead = 0;
  const closeWhenIdle = (): void => {
    const idle = performance.now() - lastRead;
    if (idle < FILE_IDLE_CLOSE_MS) setTimeout(closeWhenIdle, FILE_IDLE_CLOSE_MS - idle).unref();
    else if (fd !== null) {
      closeSync(fd);
      fd = null;
    }
  };
  return (offset, length) => {
    if (fd === null) {
      fd = openSync(path, 'r');
      const now = fstatSync(fd);
      if (now.size !== size || now.mtimeMs !== mtimeMs) {
        closeSync(fd);
        fd = null;
        throw new Error(`${path} changed since it was imported; import it again`);
      }
      setTimeout(closeWhenIdle, FILE_IDLE_CLOSE_MS).unref();
    }
    lastRead = performance.now();
    const out = new Uint8Array(length);
    if (readSync(fd, out, 0, length, offset) !== length) throw new Error(`${path} is shorter than when it was imported`);
    return out;
  };
}
