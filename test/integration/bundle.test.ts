// Diagnostic bundles: export → open gives the same findings; secrets and pseudonymised identifiers
// appear in no artefact; hostile bundles give clear errors.
import { deflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportBundle, openBundle } from '../../electron/bundle/bundle.js';
import { BundleError, readZip, writeZip, ZIP_LIMITS } from '../../electron/bundle/zip.js';
import { startRegistrar, type Fixture } from '../../electron/demo/registrar.js';
import { BUNDLE_FILES } from '../../shared/bundle/schema.js';
import { diagnose } from '../../shared/diagnosis/diagnose.js';
import { fromBase64 } from '../../shared/hash/utf8.js';
import { parseMessage } from '../../shared/sip/parse.js';
import type { CheckResult } from '../../shared/model/results.js';
import { checkFixture } from './helpers.js';

const PASSWORD = 'Sup3r-Secret-Passw0rd';
let fx: Fixture;
let result: CheckResult;
beforeAll(async () => {
  fx = await startRegistrar({ transports: ['udp', 'tcp'], users: { 'alice.smith': PASSWORD }, udpSilentToPort: undefined });
  result = await checkFixture(fx, { user: 'alice.smith', password: PASSWORD, domain: 'voip.customer-example.com' });
});
afterAll(() => fx.close());

const te = new TextEncoder();
/** results.json as parsed, to be spoiled by a test (any leaf may be replaced by anything). */
type Json = { result: { attempts: Array<Record<string, unknown>>; trace: Array<Record<string, unknown>> }; diagnosis: Record<string, unknown> };
/** A zip with every occurrence of one entry name replaced by another of the same length (in local and central headers): what writeZip refuses to make. */
const renamed = (zip: Uint8Array, from: string, to: string): Uint8Array =>
  new Uint8Array(Buffer.from(Buffer.from(zip).toString('latin1').replaceAll(from, to), 'latin1'));
/** Text that deflates about 2× (hex digits from a fixed LCG): no ratio limit stops it. */
const hexText = (n: number): Uint8Array => {
  let x = 1;
  return Uint8Array.from({ length: n }, () => '0123456789abcdef'.charCodeAt((x = (x * 1103515245 + 12345) >>> 0) >>> 28));
};
const everything = (bytes: Uint8Array): string =>
  readZip(bytes)
    .map((e) => Buffer.from(e.data).toString('latin1'))
    .join('\n');

describe('diagnostic bundles', () => {
  it('round trip: open gives the same results and the same findings', () => {
    const { bytes } = exportBundle(result);
    const opened = openBundle(bytes);
    expect(opened.result).toEqual(JSON.parse(JSON.stringify(result)));
    expect(opened.diagnosis).toEqual(diagnose(result));
    expect(opened.storedDiagnosis).toEqual(opened.diagnosis);
    expect(readZip(bytes).map((e) => e.name)).toEqual(Object.values(BUNDLE_FILES));
    expect(opened.manifest.summary.attempts).toHaveLength(result.attempts.length);
  });

  it('never contains the password or a digest response, in any artefact', () => {
    const all = everything(exportBundle(result).bytes);
    expect(all).not.toContain(PASSWORD);
    expect(all).toMatch(/response="\*{32}"/);
    expect(all).not.toMatch(/response="[0-9a-f]{32}"/);
  });

  it('pseudonymises users, domains and addresses consistently, keeping messages parseable', () => {
    const { bytes, replacements } = exportBundle(result, { pseudonymise: { users: true, domains: true, addresses: true } });
    expect(replacements.map((r) => r.kind)).toEqual(expect.arrayContaining(['user', 'domain']));
    const all = everything(bytes);
    expect(all).not.toContain('alice.smith');
    expect(all).not.toContain('customer-example');
    const opened = openBundle(bytes);
    const user = replacements.find((r) => r.original === 'alice.smith')!.pseudonym;
    expect(user).toHaveLength('alice.smith'.length);
    expect(opened.result.account.user).toBe(user);
    // Every traced SIP message still parses (same-length stand-ins keep Content-Length right).
    for (const e of opened.result.trace.filter((x) => x.bytes)) expect(parseMessage(fromBase64(e.bytes!)).ok).toBe(true);
    expect(opened.diagnosis.verdict).toBe(diagnose(result).verdict);
  });

  it.each([
    ['wrong magic', te.encode('hello, this is not a zip file at all.....'), /no zip signature/],
    ['truncated', () => exportBundle(result).bytes.subarray(0, 200), /truncated|damaged|missing/],
    ['path traversal', () => writeZip([{ name: '../../etc/cron.d/x', data: te.encode('x') }]), /unsafe entry name/],
    [
      'duplicate entry names',
      () =>
        renamed(
          writeZip([
            { name: 'manifest.json', data: te.encode('{"bundleSchemaVersion":1}') },
            { name: 'results.json', data: te.encode('{}') },
            { name: 'resultz.json', data: te.encode('{"result":{}}') },
          ]),
          'resultz',
          'results',
        ),
      /two entries named "results\.json"/,
    ],
    [
      'entry names differing only in case',
      () =>
        writeZip([
          { name: 'manifest.json', data: te.encode('{"bundleSchemaVersion":1}') },
          { name: 'results.json', data: te.encode('{}') },
          { name: 'RESULTS.json', data: te.encode('{}') },
        ]),
      /two entries named "RESULTS\.json"/,
    ],
    ['too many entries', () => writeZip(Array.from({ length: 40 }, (_, i) => ({ name: `f${i}`, data: te.encode('x') }))), /entries/],
    [
      'newer version',
      () =>
        writeZip([
          { name: 'manifest.json', data: te.encode('{"bundleSchemaVersion":99,"app":{"version":"9.0.0"}}') },
          { name: 'results.json', data: te.encode('{}') },
        ]),
      /made by SIP Ladder 9\.0\.0.*update/,
    ],
    ['not JSON', () => writeZip([{ name: 'manifest.json', data: te.encode('{oops') }]), /not valid JSON/],
    [
      'malformed results',
      () =>
        writeZip([
          { name: 'manifest.json', data: te.encode('{"bundleSchemaVersion":1}') },
          { name: 'results.json', data: te.encode('{"result":{"attempts":"x"},"diagnosis":{}}') },
        ]),
      /manifest\.json is not valid: resultsSchemaVersion: /,
    ],
  ])('refuses a hostile bundle: %s', (_name, input, message) => {
    const bytes = typeof input === 'function' ? input() : input;
    expect(() => openBundle(bytes)).toThrow(BundleError);
    expect(() => openBundle(bytes)).toThrow(message);
  });

  it.each([
    [
      'attempts[0].target = null',
      (j: Json) => (j.result.attempts[0]!.target = null),
      /results\.json is not valid: result\.attempts\[0\]\.target: .*received null/,
    ],
    ['a trace event without seq', (j: Json) => delete j.result.trace[3]!.seq, /result\.trace\[3\]\.seq: /],
    ['an unknown outcome', (j: Json) => (j.result.attempts[1]!.outcome = 'pwned'), /result\.attempts\[1\]\.outcome: /],
    [
      'a port out of range',
      (j: Json) => (j.result.attempts[0]!.responsesFromElsewhere = [{ address: '192.0.2.1', port: 70_000 }]),
      /result\.attempts\[0\]\.responsesFromElsewhere\[0\]\.port: /,
    ],
    ['findings that are not a list', (j: Json) => (j.diagnosis.findings = { 0: 'x' }), /diagnosis\.findings: /],
    ['trace bytes that are not base64', (j: Json) => (j.result.trace[0]!.bytes = '<script>'), /result\.trace\[0\]\.bytes: not base64/],
  ])('refuses a bundle with the right top level but a wrong leaf: %s', (_name, spoil, message) => {
    const entries = readZip(exportBundle(result).bytes);
    const results = entries.find((e) => e.name === BUNDLE_FILES.results)!;
    const json = JSON.parse(new TextDecoder().decode(results.data)) as Json;
    spoil(json);
    results.data = te.encode(JSON.stringify(json));
    expect(() => openBundle(writeZip(entries))).toThrow(message);
  });

  it('refuses a manifest with a wrong leaf, naming it', () => {
    const entries = readZip(exportBundle(result).bytes);
    const manifest = entries.find((e) => e.name === BUNDLE_FILES.manifest)!;
    manifest.data = te.encode(JSON.stringify({ ...JSON.parse(new TextDecoder().decode(manifest.data)), summary: { verdict: 'x', attempts: [null] } }));
    expect(() => openBundle(writeZip(entries))).toThrow(/manifest\.json is not valid: summary\.attempts\[0\]: /);
  });

  it('never writes two entries of one name', () => {
    expect(() =>
      writeZip([
        { name: 'a.json', data: te.encode('1') },
        { name: 'a.json', data: te.encode('2') },
      ]),
    ).toThrow(/two entries named "a\.json"/);
  });

  it('stops inflating an entry whose header understates its size', () => {
    const zip = writeZip([{ name: 'results.json', data: hexText(100_000) }]);
    const v = new DataView(zip.buffer, zip.byteOffset);
    expect(v.getUint32(0, true)).toBe(0x04034b50);
    v.setUint32(22, 50_000, true); // the local header's uncompressed size
    expect(() => readZip(zip)).toThrow(/expands beyond its declared 50000 bytes/);
  });

  it('enforces the total size and the entry count it is given', () => {
    const two = writeZip([
      { name: 'a.json', data: hexText(100_000) },
      { name: 'b.json', data: hexText(100_000) },
    ]);
    expect(readZip(two).map((e) => e.data.length)).toEqual([100_000, 100_000]);
    expect(() => readZip(two, { ...ZIP_LIMITS, maxTotalBytes: 150_000 })).toThrow(/"b\.json" is too large/);
    expect(() => readZip(two, { ...ZIP_LIMITS, maxEntries: 1 })).toThrow(/more than 1 entries/);
  });

  it('refuses a zip bomb before inflating it', () => {
    const bomb = writeZip([{ name: 'results.json', data: new Uint8Array(10_000_000) }]);
    expect(deflateRawSync(new Uint8Array(10_000_000)).length).toBeLessThan(20_000);
    expect(() => openBundle(bomb)).toThrow(/expands \d+× \(zip bomb\?\)/);
  });
});
