// Trace events of an import whose base64 `bytes` are computed from the import's byte arena on first
// read, and the raw bytes of any trace event (arena when it is ours, else base64).
import { fromBase64, toBase64 } from '../hash/utf8.js';
import type { TraceEvent } from '../model/trace.js';
import type { ByteArena } from './arena.js';

/**
 * Trace events whose base64 `bytes` are encoded on first read: a 200,000-message capture is mostly
 * never displayed. `bytes` is an enumerable accessor, so JSON and structured clone still carry it;
 * the arena locator sits under a symbol key, which neither copies. One getter per import, shared
 * by all its events, keeps them one V8 shape (a closure per event costs ~0.5 KB).
 */
export const RAW = Symbol('arena locator, then base64');
type LazyEvent = Omit<TraceEvent, 'bytes'> & { [RAW]: number | string; size: number };
const ARENA_OF = new WeakMap<() => string, ByteArena>();

export function bytesGetterFor(arena: ByteArena): () => string {
  const get = function (this: LazyEvent): string {
    const v = this[RAW];
    return typeof v === 'string' ? v : (this[RAW] = toBase64(arena.view(v, this.size)));
  };
  ARENA_OF.set(get, arena);
  return get;
}

/** The raw bytes of a trace event: from the import's arena when it is one of ours, else from its base64. */
export function rawBytesOf(e: TraceEvent): Uint8Array {
  const get = Object.getOwnPropertyDescriptor(e, 'bytes')?.get as (() => string) | undefined;
  const arena = get && ARENA_OF.get(get);
  const raw = (e as unknown as LazyEvent)[RAW];
  return arena && typeof raw === 'number' ? arena.view(raw, e.size!) : fromBase64(e.bytes ?? '');
}
