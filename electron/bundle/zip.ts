// A minimal zip container (PKWARE APPNOTE: stored/deflate, no zip64) for diagnostic bundles.
// Reading treats the file as hostile: bounded entry count and sizes, compression ratio, safe names.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { crc32 } from '../../shared/hash/crc32.js';
import { concatBytes } from '../../shared/hash/utf8.js';

export const MAX_ENTRIES = 32;
export const MAX_ENTRY_BYTES = 64 * 1024 * 1024;
export const MAX_TOTAL_BYTES = 128 * 1024 * 1024;
/** Larger ratios are zip bombs, not SIP traces (text compresses ~10×). */
export const MAX_RATIO = 200;

export interface ZipEntry {
  name: string;
  data: Uint8Array;
}

export class BundleError extends Error {}

const te = new TextEncoder();

export function writeZip(entries: ZipEntry[], date = new Date()): Uint8Array {
  const dosTime = (date.getHours() << 11) | (date.getMinutes() << 5) | (date.getSeconds() >> 1);
  const dosDate = ((date.getFullYear() - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate();
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = te.encode(e.name);
    const packed = new Uint8Array(deflateRawSync(e.data));
    const crc = crc32(e.data);
    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(6, 0x0800, true); // UTF-8 names
    lv.setUint16(8, 8, true);
    lv.setUint16(10, dosTime, true);
    lv.setUint16(12, dosDate, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, packed.length, true);
    lv.setUint32(22, e.data.length, true);
    lv.setUint16(26, name.length, true);
    local.set(name, 30);
    const central = new Uint8Array(46 + name.length);
    const cv = new DataView(central.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(8, 0x0800, true);
    cv.setUint16(10, 8, true);
    cv.setUint16(12, dosTime, true);
    cv.setUint16(14, dosDate, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, packed.length, true);
    cv.setUint32(24, e.data.length, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, offset, true);
    central.set(name, 46);
    locals.push(local, packed);
    centrals.push(central);
    offset += local.length + packed.length;
  }
  const centralSize = centrals.reduce((n, c) => n + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, centralSize, true);
  ev.setUint32(16, offset, true);
  return concatBytes([...locals, ...centrals, end]);
}

/** A name we would write ourselves: relative, no "..", no backslashes or drive letters. */
export function safeEntryName(name: string): boolean {
  return /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(name) && !name.split('/').includes('..') && name.length <= 128;
}

export function readZip(b: Uint8Array): ZipEntry[] {
  if (b.length < 22 || b[0] !== 0x50 || b[1] !== 0x4b) throw new BundleError('not a SIP Ladder bundle (no zip signature)');
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let eocd = -1;
  for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 65_535); i--) {
    if (v.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new BundleError('bundle is truncated (no end of central directory)');
  const count = v.getUint16(eocd + 10, true);
  if (count > MAX_ENTRIES) throw new BundleError(`bundle has ${count} entries (at most ${MAX_ENTRIES})`);
  let pos = v.getUint32(eocd + 16, true);
  const entries: ZipEntry[] = [];
  const names = new Set<string>();
  let total = 0;
  for (let i = 0; i < count; i++) {
    if (pos + 46 > b.length || v.getUint32(pos, true) !== 0x02014b50) throw new BundleError('bundle directory is damaged');
    const method = v.getUint16(pos + 10, true);
    const crc = v.getUint32(pos + 16, true);
    const packedSize = v.getUint32(pos + 20, true);
    const size = v.getUint32(pos + 24, true);
    const nameLen = v.getUint16(pos + 28, true);
    const extraLen = v.getUint16(pos + 30, true);
    const commentLen = v.getUint16(pos + 32, true);
    const localAt = v.getUint32(pos + 42, true);
    const name = new TextDecoder().decode(b.subarray(pos + 46, pos + 46 + nameLen));
    pos += 46 + nameLen + extraLen + commentLen;
    if (!safeEntryName(name)) throw new BundleError(`unsafe entry name in bundle: "${name.slice(0, 60)}"`);
    // Two entries of one name: which one a reader sees would depend on the reader (a smuggling trick).
    if (names.has(name.toLowerCase())) throw new BundleError(`bundle has two entries named "${name}"`);
    names.add(name.toLowerCase());
    if (size > MAX_ENTRY_BYTES || (total += size) > MAX_TOTAL_BYTES) throw new BundleError(`bundle entry "${name}" is too large (${size} bytes)`);
    if (packedSize > 0 && size / packedSize > MAX_RATIO) throw new BundleError(`bundle entry "${name}" expands ${Math.round(size / packedSize)}× (zip bomb?)`);
    if (localAt + 30 > b.length || v.getUint32(localAt, true) !== 0x04034b50) throw new BundleError(`bundle entry "${name}" is missing`);
    const dataAt = localAt + 30 + v.getUint16(localAt + 26, true) + v.getUint16(localAt + 28, true);
    if (dataAt + packedSize > b.length) throw new BundleError(`bundle entry "${name}" is truncated`);
    const packed = b.subarray(dataAt, dataAt + packedSize);
    let data: Uint8Array;
    if (method === 0) data = packed.slice();
    else if (method === 8) {
      try {
        data = new Uint8Array(inflateRawSync(packed, { maxOutputLength: size + 1 }));
      } catch {
        throw new BundleError(`bundle entry "${name}" cannot be decompressed`);
      }
    } else throw new BundleError(`bundle entry "${name}" uses unsupported compression ${method}`);
    if (data.length !== size || crc32(data) !== crc) throw new BundleError(`bundle entry "${name}" is corrupt (size or CRC mismatch)`);
    entries.push({ name, data });
  }
  return entries;
}
