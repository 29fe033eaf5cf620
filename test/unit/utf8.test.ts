import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstInvalidUtf8, fromUtf8Strict } from '../../shared/hash/utf8.js';

const bytes = (...b: number[]) => new Uint8Array(b);

describe('firstInvalidUtf8 (RFC 3629 §4)', () => {
  it.each([
    ['ASCII', bytes(0x41, 0x42), -1],
    ['2-, 3- and 4-byte sequences', new TextEncoder().encode('é€😀'), -1],
    ['lone continuation byte', bytes(0x41, 0x80), 1],
    ['overlong 2-byte', bytes(0xc0, 0xaf), 0],
    ['overlong 3-byte', bytes(0x41, 0xe0, 0x80, 0xaf), 1],
    ['UTF-16 surrogate', bytes(0xed, 0xa0, 0x80), 0],
    ['above U+10FFFF', bytes(0xf4, 0x90, 0x80, 0x80), 0],
    ['truncated at the end', bytes(0x41, 0xe2, 0x82), 1],
    ['bad third byte', bytes(0xe2, 0x82, 0x41), 0],
    ['0xFF', bytes(0xc3, 0xa9, 0xff), 2],
  ])('%s', (_, input, expected) => {
    expect(firstInvalidUtf8(input)).toBe(expected);
  });

  it('agrees with the fatal WHATWG decoder on random bytes: valid before the offset, invalid from it', () => {
    const utf8ish = fc.array(fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0x80, 0xbf, 0xc3, 0xe2, 0xed, 0xf0, 0xf4)), { maxLength: 40 });
    fc.assert(
      fc.property(utf8ish, (arr) => {
        const b = new Uint8Array(arr);
        const off = firstInvalidUtf8(b);
        expect(off === -1).toBe(fromUtf8Strict(b) !== null);
        if (off >= 0) {
          expect(fromUtf8Strict(b.subarray(0, off))).not.toBeNull();
          expect(fromUtf8Strict(b.subarray(off, off + 4))).toBeNull();
        }
      }),
      { numRuns: 3000 },
    );
  });
});
