// Diagnostic bundles (.sipladder): one zip with the manifest, results and findings, the trace as
// pcapng, the ladder as SVG and text, and a report. Opening one treats it as untrusted input.
import { platform, release } from 'node:os';
import { BUNDLE_FILES, BUNDLE_SCHEMA_VERSION, type BundleManifest, type BundleResults } from '../../shared/bundle/schema.js';
import { pseudonymise, type PseudonymOptions, type Replacement } from '../../shared/bundle/redact.js';
import { reportMarkdown } from '../../shared/bundle/report-md.js';
import { tracePcapng } from '../../shared/bundle/pcapng.js';
import { diagnose } from '../../shared/diagnosis/diagnose.js';
import { asciiLadder } from '../../shared/ladder/ascii.js';
import { layoutLadder } from '../../shared/ladder/layout.js';
import { ladderModel } from '../../shared/ladder/model.js';
import { ladderSvg } from '../../shared/ladder/svg.js';
import { RESULTS_SCHEMA_VERSION, type CheckResult } from '../../shared/model/results.js';
import { TOOL_VERSION } from '../engine/version.js';
import { writeZip } from './zip.js';

export interface ExportOptions {
  pseudonymise?: PseudonymOptions;
}

export function exportBundle(original: CheckResult, o: ExportOptions = {}): { bytes: Uint8Array; replacements: Replacement[] } {
  const { result, replacements } = o.pseudonymise ? pseudonymise(original, o.pseudonymise) : { result: original, replacements: [] };
  const diagnosis = diagnose(result);
  const withheld = Object.values(o.pseudonymise ?? {}).some(Boolean);
  const manifest: BundleManifest = {
    bundleSchemaVersion: BUNDLE_SCHEMA_VERSION,
    resultsSchemaVersion: RESULTS_SCHEMA_VERSION,
    app: { name: 'sipladder', version: TOOL_VERSION },
    createdAt: new Date().toISOString(),
    pseudonymised: replacements.length > 0,
    // The OS release (kernel version, build) narrows down who sent it: withheld when pseudonymising.
    os: withheld ? platform() : `${platform()} ${release()}`,
    summary: { verdict: diagnosis.verdict, attempts: result.attempts.map((a) => `${a.label}: ${a.outcome}${a.status ? ` ${a.status}` : ''}`) },
  };
  const columns = ladderModel(result, diagnosis.findings);
  const te = new TextEncoder();
  const bytes = writeZip([
    { name: BUNDLE_FILES.manifest, data: te.encode(JSON.stringify(manifest, null, 2)) },
    { name: BUNDLE_FILES.results, data: te.encode(JSON.stringify({ result, diagnosis } satisfies BundleResults)) },
    { name: BUNDLE_FILES.pcapng, data: tracePcapng(result) },
    { name: BUNDLE_FILES.svg, data: te.encode(ladderSvg(layoutLadder(columns))) },
    { name: BUNDLE_FILES.ascii, data: te.encode(columns.map(asciiLadder).join('\n\n')) },
    { name: BUNDLE_FILES.report, data: te.encode(reportMarkdown(result, diagnosis)) },
  ]);
  return { bytes, replacements };
}

export { openBundle } from '../../shared/bundle/open.js';
