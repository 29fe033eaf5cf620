// Message bytes kept for the whole import, packed into large blocks: one ArrayBuffer per message
// (200,000 of them) costs more in allocation, bookkeeping and garbage collection than the bytes.

/** Size of one block; a message larger than this gets a block of its own. */
export const ARENA_BLOCK_BYTES = 1024 * 1024;

export class ByteArena {
  private block = new Uint8Array(0);
  private used = 0;

  /** A copy of `bytes` that outlives the buffer it came from (a view into a block of the arena). */
  copy(bytes: Uint8Array): Uint8Array {
    if (bytes.length > ARENA_BLOCK_BYTES) return bytes.slice();
    if (this.used + bytes.length > this.block.length) {
      this.block = new Uint8Array(ARENA_BLOCK_BYTES);
      this.used = 0;
    }
    const out = this.block.subarray(this.used, this.used + bytes.length);
    out.set(bytes);
    this.used += bytes.length;
    return out;
  }
}
