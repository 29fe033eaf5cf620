// Opening a diagnostic bundle: pure, so it runs in the renderer as well as on the Node side. The
// file is untrusted input: the zip's limits (zip.ts), then every leaf checked by the schemas.
import { diagnose } from '../diagnosis/diagnose.js';
import type { CheckResult } from '../model/results.js';
import { BUNDLE_FILES, checkManifest, checkResults, type BundleManifest, type BundleResults } from './schema.js';
import { BundleError, readZip } from './zip.js';

/** Largest bundle file accepted (before any decompression). */
export const MAX_BUNDLE_BYTES = 64 * 1024 * 1024;

export interface OpenedBundle {
  manifest: BundleManifest;
  result: CheckResult;
  /** Recomputed with this version's rules (the stored one is what the customer saw). */
  diagnosis: BundleResults['diagnosis'];
  storedDiagnosis: BundleResults['diagnosis'];
}

export function openBundle(bytes: Uint8Array): OpenedBundle {
  if (bytes.length > MAX_BUNDLE_BYTES) throw new BundleError(`bundle is ${bytes.length} bytes (at most ${MAX_BUNDLE_BYTES})`);
  const entries = new Map(readZip(bytes).map((e) => [e.name, e.data]));
  const json = (name: string): unknown => {
    const data = entries.get(name);
    if (!data) throw new BundleError(`bundle has no ${name}`);
    try {
      return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data));
    } catch {
      throw new BundleError(`${name} in the bundle is not valid JSON`);
    }
  };
  const manifest = checkManifest(json(BUNDLE_FILES.manifest));
  if (!manifest.ok) throw new BundleError(manifest.error);
  const results = checkResults(json(BUNDLE_FILES.results));
  if (!results.ok) throw new BundleError(results.error);
  return { manifest: manifest.value, result: results.value.result, diagnosis: diagnose(results.value.result), storedDiagnosis: results.value.diagnosis };
}
