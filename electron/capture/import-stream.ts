// Capture import on the process that also serves the UI: the file is read in chunks and each
// chunk is processed in slices with a turn of the event loop between them, so IPC and HTTP
// requests (progress, Cancel) are served while a 200,000-packet capture is read.
import { open } from 'node:fs/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { CaptureImport, type CaptureProgress, type ImportedCapture } from '../../shared/capture/import.js';

/** Bytes read from disk at a time. */
export const IMPORT_CHUNK_BYTES = 1024 * 1024;
/** Bytes processed between two turns of the event loop (about 5–10 ms of work). */
export const IMPORT_SLICE_BYTES = 256 * 1024;
/** Least time between two progress reports. */
export const PROGRESS_INTERVAL_MS = 100;

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
}

/** Imports a capture from chunks in file order, yielding to the event loop between slices. */
export async function importChunks(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, o: ImportOptions): Promise<ImportedCapture> {
  const now = o.now ?? (() => performance.now());
  const im = new CaptureImport(o.totalBytes);
  let lastReport = -Infinity;
  for await (const chunk of chunks) {
    for (let at = 0; at < chunk.length; at += IMPORT_SLICE_BYTES) {
      if (o.signal?.aborted) throw new ImportCancelled();
      im.push(chunk.subarray(at, at + IMPORT_SLICE_BYTES));
      if (o.onProgress && now() - lastReport >= PROGRESS_INTERVAL_MS) {
        lastReport = now();
        o.onProgress(im.progress());
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
 * A capture file, streamed from disk through one reused buffer: never held whole, and no garbage
 * chunk per read (the reader copies what it keeps).
 */
export async function importCaptureFile(path: string, o: Omit<ImportOptions, 'totalBytes' | 'source'> & { source?: string }): Promise<ImportedCapture> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const buffer = new Uint8Array(IMPORT_CHUNK_BYTES);
    async function* chunks(): AsyncGenerator<Uint8Array> {
      for (;;) {
        const { bytesRead } = await file.read(buffer, 0, buffer.length, null);
        if (bytesRead === 0) return;
        yield buffer.subarray(0, bytesRead);
      }
    }
    return await importChunks(chunks(), { ...o, source: o.source ?? path, totalBytes: size });
  } finally {
    await file.close();
  }
}
