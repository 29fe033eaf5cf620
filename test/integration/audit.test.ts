// The exposure audit against a misbehaving and a hardened SIP server on 127.0.0.1: findings,
// evidence, safety limits (confirmation, rate, failed logins, bindings, CANCEL), CLI and bundle.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit } from '../../electron/audit/audit.js';
import { exportBundle, openBundle } from '../../electron/bundle/bundle.js';
import { defaultDeps } from '../../electron/engine/deps.js';
import { MAX_REQUESTS_PER_SECOND } from '../../electron/engine/safety.js';
import { diagnose } from '../../shared/diagnosis/diagnose.js';
import type { AuditOptions } from '../../shared/audit/options.js';
import type { CheckResult } from '../../shared/model/results.js';
import { FIXTURE_PASSWORD, FIXTURE_USER, startAuditFixture, type AuditFixture } from './audit-fixture.js';
import { CA_PEM, runCli } from './helpers.js';

let open: AuditFixture;
let hardened: AuditFixture;
beforeAll(async () => {
  [open, hardened] = await Promise.all([startAuditFixture('open'), startAuditFixture('hardened')]);
});
afterAll(async () => {
  await Promise.all([open.close(), hardened.close()]);
});

const optionsFor = (fx: AuditFixture, over: Partial<AuditOptions> = {}): AuditOptions => ({
  confirmedOperator: true,
  server: '127.0.0.1',
  port: fx.udpPort,
  tlsPort: fx.tlsPort,
  user: FIXTURE_USER,
  password: FIXTURE_PASSWORD,
  caPem: CA_PEM,
  ...over,
});
const ids = (r: CheckResult): string[] =>
  diagnose(r)
    .findings.map((f) => f.id)
    .sort();
/** Most requests the server received within any one second. */
const peakRate = (fx: AuditFixture, from: number): number => {
  const at = fx.received.slice(from).map((r) => r.at);
  return Math.max(...at.map((t) => at.filter((u) => u >= t && u - t < 1000).length));
};

describe('audit engine', () => {
  it("refuses without the operator's confirmation and sends nothing", async () => {
    const before = open.received.length;
    await expect(runAudit({ ...optionsFor(open), confirmedOperator: false }, defaultDeps())).rejects.toThrow(/audit refused: .*server you operate/);
    expect(open.received.length).toBe(before);
  });

  it('open server: every exposure found, each with evidence in the trace; calls cancelled, binding removed, rate kept', async () => {
    const from = open.received.length;
    const r = await runAudit(optionsFor(open), defaultDeps());
    expect(ids(r)).toEqual([
      'digest-md5-only',
      'digest-no-qop',
      'nonce-replay-accepted',
      'open-relay',
      'options-answered',
      'register-without-credentials',
      'scanners-answered',
      'tls-old-versions',
      'tls-weak-ciphers',
      'topology-leak',
      'udp-amplification',
      'user-enumeration',
      'version-leak',
    ]);
    const d = diagnose(r);
    const seqs = new Set(r.trace.map((e) => e.seq));
    for (const f of d.findings) {
      expect(f.evidence.length, f.id).toBeGreaterThan(0);
      for (const s of f.evidence) expect(seqs.has(s), `${f.id} cites ${s}`).toBe(true);
    }
    expect(d.findings.find((f) => f.id === 'topology-leak')!.technical).toMatch(/10\.20\.30\.40.*10\.20\.30\.1.*gw01\.internal.*192\.168\.50\.7/);
    expect(d.findings.find((f) => f.id === 'version-leak')!.technical).toContain('Asterisk PBX 18.9.0');
    expect(d.findings.find((f) => f.id === 'open-relay')!.fix.some((l) => l.startsWith('Kamailio:'))).toBe(true);
    // Every INVITE that went ahead was cancelled at once and its final answer acknowledged.
    const sent = open.received.slice(from).map((x) => x.text);
    const rang = r.audit!.exchanges.filter((x) => x.method === 'INVITE' && x.cancelled);
    expect(rang.map((x) => x.variant).sort()).toEqual(['existing', 'external']);
    expect(sent.filter((t) => t.startsWith('CANCEL ')).length).toBe(2);
    expect(sent.filter((t) => t.startsWith('ACK ')).length).toBe(3);
    expect(open.bindings.size).toBe(0);
    expect(r.attempts.find((a) => a.outcome === 'registered')?.unregistered).toBe(true);
    expect(r.authFailures).toBe(0);
    expect(sent.some((t) => /^Contact:\s*\*/im.test(t))).toBe(false);
    expect(peakRate(open, from)).toBeLessThanOrEqual(MAX_REQUESTS_PER_SECOND);
    expect(JSON.stringify(r)).not.toContain(FIXTURE_PASSWORD);
  }, 60_000);

  it('hardened server: scanners dropped, nothing told apart, replay refused as stale, modern TLS; the burst is throttled', async () => {
    const r = await runAudit(optionsFor(hardened, { burst: true }), defaultDeps());
    expect(ids(r)).toEqual([
      'digest-sha256',
      'invite-challenged',
      'nonce-replay-refused',
      'options-answered',
      'rate-limited',
      'scanners-dropped',
      'tls-modern-only',
      'udp-amplification-low',
      'user-enumeration-none',
    ]);
    expect(diagnose(r).findings.find((f) => f.id === 'nonce-replay-refused')!.technical).toMatch(/with stale=true/);
    expect(r.audit!.burst).toMatchObject({ sent: 24, firstUnanswered: expect.any(Number) });
    expect(r.audit!.burst!.peakPerSecond).toBeLessThanOrEqual(MAX_REQUESTS_PER_SECOND);
    expect(hardened.bindings.size).toBe(0);
    expect(r.authFailures).toBe(1); // the refused replay
    expect(diagnose(r).verdict).toMatch(/^Audit of 127\.0\.0\.1: nothing exposed/);
  }, 60_000);

  it('a wrong password: at most two unaccepted logins, no replay, no binding', async () => {
    const from = hardened.received.length;
    const r = await runAudit(optionsFor(hardened, { password: 'not-the-password', tlsPort: 0 }), defaultDeps());
    expect(r.authFailures).toBeLessThanOrEqual(2);
    const credentialed = hardened.received.slice(from).filter((x) => /^Authorization:/im.test(x.text));
    expect(credentialed.length).toBe(1);
    expect(r.audit!.skipped.map((s) => s.reason).join(' ')).toMatch(/not accepted/);
    expect(JSON.stringify(r)).not.toContain('not-the-password');
  }, 60_000);
});

describe('sipladder audit', () => {
  it('refuses without --i-operate-this-server, explaining why, and sends nothing', async () => {
    const before = open.received.length;
    const r = await runCli(['audit', '127.0.0.1', '--port', String(open.udpPort)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/refused: .*server you operate.*--i-operate-this-server/s);
    expect(open.received.length).toBe(before);
  });

  it('prints JSON with the findings, and a bundle that opens with the same findings', async () => {
    const r = await runCli(['audit', '127.0.0.1', '--i-operate-this-server', '--port', String(open.udpPort), '--tls-port', '0', '--json']);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout) as CheckResult & { diagnosis: ReturnType<typeof diagnose> };
    expect(json.origin).toBe('audit');
    expect(json.diagnosis.findings.map((f) => f.id)).toContain('register-without-credentials');
    expect(json.audit!.skipped.map((s) => s.test)).toEqual(expect.arrayContaining(['enumeration', 'digest', 'transport', 'rate-limit']));
    const { diagnosis, ...result } = json;
    const opened = openBundle(exportBundle(result).bytes);
    expect(opened.diagnosis.findings.map((f) => f.id)).toEqual(diagnosis.findings.map((f) => f.id));
    expect(opened.result.audit).toEqual(result.audit);
  }, 60_000);
});
