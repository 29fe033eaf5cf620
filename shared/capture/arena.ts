// Message bytes kept for the whole import, packed into large blocks and addressed by a number:
// one ArrayBuffer (or even one Uint8Array view) per message, 200,000 times, costs more memory and
// garbage collection than the bytes themselves. When the capture is a file that stays readable
// (the CLI's import), a message that lies in it as one piece is not copied at all: its locator is
// its place in the file, and it is read back when it is needed (drawn, written to a bundle).

/** Size of one block; a message larger than this gets a block of its own. */
export const ARENA_BLOCK_BYTES = 1024 * 1024;

/** Reads `length` bytes at `offset` of the capture file (synchronously: trace events are read lazily). */
export type FileRanges = (offset: number, length: number) => Uint8Array;

export class ByteArena {
  private readonly blocks: Uint8Array[] = [];
  private used = ARENA_BLOCK_BYTES;

  constructor(private readonly file?: FileRanges) {}

  /**
   * Keeps `bytes` (found at `fileOffset` of the file, when they are there as one piece); returns
   * the locator to read them back with `view(locator, bytes.length)`. File places are negative.
   */
  store(bytes: Uint8Array, fileOffset?: number): number {
    if (this.file && fileOffset !== undefined) return -1 - fileOffset;
    if (bytes.length > ARENA_BLOCK_BYTES - this.used) {
      this.blocks.push(new Uint8Array(Math.max(ARENA_BLOCK_BYTES, bytes.length)));
      this.used = 0;
    }
    const at = this.used;
    this.blocks[this.blocks.length - 1]!.set(bytes, at);
    this.used += bytes.length;
    if (bytes.length > ARENA_BLOCK_BYTES) this.used = ARENA_BLOCK_BYTES; // an oversized block holds one message
    return (this.blocks.length - 1) * ARENA_BLOCK_BYTES + at;
  }

  view(locator: number, length: number): Uint8Array {
    if (locator < 0) return this.file!(-1 - locator, length);
    const block = this.blocks[Math.floor(locator / ARENA_BLOCK_BYTES)]!;
    const at = locator % ARENA_BLOCK_BYTES;
    return block.subarray(at, at + length);
  }
}
