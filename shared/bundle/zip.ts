// The zip container of diagnostic bundles, through fflate (pure JS: the same code runs on the Node
// side and in the renderer). Reading treats the file as hostile: names, entry count, sizes and the
// compression ratio are checked from each entry's header before it is inflated, and the inflated
// bytes are counted as they come, so a header that lies about its size cannot expand any further.
import { Unzip, UnzipInflate, zipSync, type UnzipFile, type Zippable } from 'fflate';
import { concatBytes } from '../hash/utf8.js';

export interface ZipLimits {
  maxEntries: number;
  /** Uncompressed bytes of one entry. */
  maxEntryBytes: number;
  /** Uncompressed bytes of all entries together. */
  maxTotalBytes: number;
  /** Uncompressed / compressed size of one entry: larger ratios are zip bombs, not SIP traces (text compresses ~10×). */
  maxRatio: number;
}

export const ZIP_LIMITS: ZipLimits = { maxEntries: 32, maxEntryBytes: 64 * 1024 * 1024, maxTotalBytes: 128 * 1024 * 1024, maxRatio: 200 };

export interface ZipEntry {
  name: string;
  data: Uint8Array;
}

export class BundleError extends Error {}

/** DEFLATE level for bundles: text and pcapng, written once, read rarely. */
const DEFLATE_LEVEL = 6;

/** A zip of `entries` (deflated, sizes in the local headers, UTF-8 names). */
export function writeZip(entries: ZipEntry[], date = new Date()): Uint8Array {
  const files: Zippable = {};
  for (const e of entries) {
    if (Object.hasOwn(files, e.name)) throw new BundleError(`two entries named "${e.name}"`);
    files[e.name] = [e.data, { level: DEFLATE_LEVEL, mtime: date }];
  }
  return zipSync(files);
}

/** A name we would write ourselves: relative, no "..", no backslashes or drive letters. */
export function safeEntryName(name: string): boolean {
  return /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(name) && !name.split('/').includes('..') && name.length <= 128;
}

/** Refuses an entry from its header alone; returns its declared uncompressed size. */
function admit(file: UnzipFile, seen: Set<string>, total: number, limits: ZipLimits): number {
  const { name, size, originalSize } = file;
  if (!safeEntryName(name)) throw new BundleError(`unsafe entry name in bundle: "${name.slice(0, 60)}"`);
  // Two entries of one name: which one a reader sees would depend on the reader (a smuggling trick).
  if (seen.has(name.toLowerCase())) throw new BundleError(`bundle has two entries named "${name}"`);
  seen.add(name.toLowerCase());
  if (seen.size > limits.maxEntries) throw new BundleError(`bundle has more than ${limits.maxEntries} entries`);
  if (size === undefined || originalSize === undefined) throw new BundleError(`bundle entry "${name}" does not declare its sizes`);
  if (originalSize > limits.maxEntryBytes || total + originalSize > limits.maxTotalBytes)
    throw new BundleError(`bundle entry "${name}" is too large (${originalSize} bytes)`);
  if (originalSize > Math.max(1, size) * limits.maxRatio)
    throw new BundleError(`bundle entry "${name}" expands ${Math.round(originalSize / Math.max(1, size))}× (zip bomb?)`);
  if (file.compression !== 0 && file.compression !== 8) throw new BundleError(`bundle entry "${name}" uses unsupported compression ${file.compression}`);
  return originalSize;
}

export function readZip(b: Uint8Array, limits: ZipLimits = ZIP_LIMITS): ZipEntry[] {
  if (b.length < 22 || b[0] !== 0x50 || b[1] !== 0x4b) throw new BundleError('not a SIP Ladder bundle (no zip signature)');
  const entries: ZipEntry[] = [];
  const seen = new Set<string>();
  let total = 0;
  let open = 0;
  const unzip = new Unzip((file) => {
    const declared = admit(file, seen, total, limits);
    total += declared;
    const chunks: Uint8Array[] = [];
    let inflated = 0;
    open++;
    file.ondata = (err, chunk, final) => {
      // fflate's inflater hands our own refusal (thrown below, inside its push) back as `err`.
      if (err) throw err instanceof BundleError ? err : new BundleError(`bundle entry "${file.name}" cannot be decompressed`);
      inflated += chunk.length;
      if (inflated > declared) throw new BundleError(`bundle entry "${file.name}" expands beyond its declared ${declared} bytes (zip bomb?)`);
      chunks.push(chunk);
      if (!final) return;
      if (inflated !== declared) throw new BundleError(`bundle entry "${file.name}" is corrupt (${inflated} bytes, ${declared} declared)`);
      entries.push({ name: file.name, data: concatBytes(chunks) });
      open--;
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  try {
    unzip.push(b, true);
  } catch (e) {
    if (e instanceof BundleError) throw e;
    throw new BundleError(`bundle is damaged (${(e as Error).message})`);
  }
  if (open > 0 || entries.length === 0) throw new BundleError('bundle is truncated');
  return entries;
}
