// A capture imported from a file keeps most messages as places in that file (the 300 MB goal at
// 200k packets): its results must be the same as an import that copies every message, and a
// file that changed after the import must be refused, not read as other messages.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IMPORT_CHUNK_BYTES, importCaptureFile } from '../../electron/capture/import-stream.js';
import { dialogFacts } from '../../shared/capture/dialogs.js';
import { importCapture } from '../../shared/capture/import.js';
import { rawBytesOf } from '../../shared/capture/lazy-bytes.js';
import { generateCapture } from '../bench/capture-gen.js';

function captureFile(bytes: Uint8Array): string {
  const path = join(mkdtempSync(join(tmpdir(), 'sl-ranges-')), 'provider.pcap');
  writeFileSync(path, bytes);
  return path;
}

describe('capture import from a file', () => {
  it('gives the same results, messages and dialog facts as an import that copies every message', async () => {
    const bytes = generateCapture(3000, 7); // UDP and TCP (mid-connection) flows, calls with SDP, failures
    const path = captureFile(bytes);
    const fromFile = await importCaptureFile(path, {});
    const inMemory = importCapture(bytes, path);
    expect(fromFile.result.trace.length).toBeGreaterThan(1000);
    expect(new Set(fromFile.result.trace.map((e) => e.transport))).toEqual(new Set(['udp', 'tcp']));
    expect(fromFile.result.trace.map(rawBytesOf)).toEqual(inMemory.result.trace.map(rawBytesOf));
    expect(JSON.stringify(fromFile.result)).toBe(JSON.stringify(inMemory.result)); // base64 bytes included
    expect(dialogFacts(fromFile.result)).toEqual(dialogFacts(inMemory.result));
  });

  it("cancelled with the next chunk's read in flight: stops cleanly, and the file imports again in full", async () => {
    const bytes = generateCapture(12_000, 5);
    expect(bytes.length).toBeGreaterThan(3 * IMPORT_CHUNK_BYTES);
    const path = captureFile(bytes);
    const stop = new AbortController();
    let reports = 0;
    const importing = importCaptureFile(path, { signal: stop.signal, now: () => reports * 1000, onProgress: () => ++reports === 2 && stop.abort() });
    await expect(importing).rejects.toThrow(/import cancelled/);
    expect(reports).toBe(2);
    // The same file imports again in full afterwards.
    expect((await importCaptureFile(path, {})).packets).toBe(12_000);
  });

  it('refuses to read messages from a file that changed since the import', async () => {
    const bytes = generateCapture(500, 3);
    const path = captureFile(bytes);
    const { result } = await importCaptureFile(path, {});
    const changed = bytes.slice();
    changed[changed.length - 1] = (changed.at(-1) ?? 0) ^ 0xff;
    writeFileSync(path, new Uint8Array([...changed, 0]));
    expect(() => result.trace[0]!.bytes).toThrow(/changed since it was imported/);
  });
});
