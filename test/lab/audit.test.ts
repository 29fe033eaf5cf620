// Lab: `sipladder audit` from behind the NAT against real Kamailio, once with the defaults that leak
// and once hardened as in field stories 002-004; the findings must differ where the configs differ.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../../shared/model/results.js';
import type { Diagnosis } from '../../shared/diagnosis/types.js';
import { addInsideAddresses, auditFromClient, AuditKamailio, INSIDE_GATEWAY, INSIDE_PROXY } from './audit-lab.js';
import { labUnavailableReason } from './lab.js';
import { useLab } from './use-lab.js';

const unavailable = labUnavailableReason();
if (unavailable) console.warn(`lab tests skipped: ${unavailable}`);

type Audited = CheckResult & { diagnosis: Diagnosis };
const ids = (r: Audited): string[] => r.diagnosis.findings.map((f) => f.id).sort();
const technical = (r: Audited, id: string): string => r.diagnosis.findings.find((f) => f.id === id)?.technical ?? '';

describe.skipIf(unavailable !== null)('lab: exposure audit against Kamailio, open vs hardened', () => {
  useLab({});
  const kamailio = new AuditKamailio();
  const runs: Partial<Record<'open' | 'hardened', Audited>> = {};
  beforeAll(async () => {
    addInsideAddresses();
    for (const flavour of ['open', 'hardened'] as const) {
      await kamailio.start(flavour);
      try {
        runs[flavour] = (await auditFromClient(flavour === 'hardened' ? ['--burst'] : [])).result;
      } finally {
        await kamailio.stop();
      }
    }
  }, 240_000);
  afterAll(() => kamailio.dispose());
  /** What each configuration produced, for the closing note of issue 13. */
  const report = (flavour: 'open' | 'hardened'): string => {
    const r = runs[flavour]!;
    const sent = r.attempts.reduce((n, a) => n + a.requestsSent, 0);
    return [
      `  ${(r.durationMs / 1000).toFixed(2)} s, ${sent} requests, ${r.authFailures} unaccepted login(s)`,
      ...r.diagnosis.findings.map((f) => `  [${f.severity}] ${f.id}: ${f.technical}`),
    ].join('\n');
  };

  it('open: version, enumeration, relay to the inside gateway with its addresses, MD5 without qop, replay, TLS 1.0, no throttle', () => {
    const r = runs.open!;
    console.log(`open config findings:\n${report('open')}`);
    expect(ids(r)).toEqual(
      expect.arrayContaining([
        'version-leak',
        'user-enumeration',
        'open-relay',
        'topology-leak',
        'digest-md5-only',
        'digest-no-qop',
        'nonce-replay-accepted',
        'scanners-answered',
        'tls-old-versions',
      ]),
    );
    expect(technical(r, 'version-leak')).toMatch(/kamailio \(5\.\d+\.\d+/);
    expect(technical(r, 'user-enumeration')).toMatch(/REGISTER: alice → 401.* → 404/);
    expect(technical(r, 'topology-leak')).toContain(INSIDE_GATEWAY);
    expect(technical(r, 'topology-leak')).toContain(INSIDE_PROXY);
    expect(r.attempts.find((a) => a.outcome === 'registered')?.unregistered).toBe(true);
    expect(r.authFailures).toBe(0);
  });

  it('hardened: scanners dropped, nothing to tell users apart, SHA-256, replay refused, modern TLS, burst throttled by pike', () => {
    const r = runs.hardened!;
    console.log(`hardened config findings:\n${report('hardened')}`);
    expect(ids(r)).toEqual(
      expect.arrayContaining([
        'scanners-dropped',
        'user-enumeration-none',
        'invite-challenged',
        'digest-sha256',
        'nonce-replay-refused',
        'tls-modern-only',
        'rate-limited',
      ]),
    );
    for (const gone of [
      'version-leak',
      'user-enumeration',
      'open-relay',
      'topology-leak',
      'digest-md5-only',
      'digest-no-qop',
      'nonce-replay-accepted',
      'scanners-answered',
      'tls-old-versions',
      'tls-weak-ciphers',
    ]) {
      expect(ids(r), gone).not.toContain(gone);
    }
    expect(r.authFailures).toBeLessThanOrEqual(2);
    expect(r.attempts.find((a) => a.outcome === 'registered')?.unregistered).toBe(true);
  });

  it('the two reports differ in every test the configurations differ in', () => {
    const open = new Set(ids(runs.open!));
    const hardened = new Set(ids(runs.hardened!));
    const onlyOpen = [...open].filter((id) => !hardened.has(id));
    const onlyHardened = [...hardened].filter((id) => !open.has(id));
    console.log(`only open: ${onlyOpen.join(', ')}; only hardened: ${onlyHardened.join(', ')}`);
    expect(onlyOpen.length).toBeGreaterThanOrEqual(8);
    expect(onlyHardened.length).toBeGreaterThanOrEqual(6);
  });
});
