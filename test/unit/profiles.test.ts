import { describe, expect, it } from 'vitest';
import type { FragmentationSeries } from '../../shared/model/path-results.js';
import type { AttemptResult, CheckResult } from '../../shared/model/results.js';
import { CLIENT_PROFILES } from '../../shared/profiles/clients.js';
import { predictProfiles } from '../../shared/profiles/predict.js';
import { checkResult } from '../builders.js';

const attempt = (
  label: string,
  transport: AttemptResult['transport'],
  mode: AttemptResult['sourcePortMode'],
  rport: boolean,
  outcome: AttemptResult['outcome'],
): AttemptResult => ({
  id: 1,
  label,
  transport,
  target: { host: 'sip.example.com', address: '192.0.2.10', port: 5060 },
  sourcePortMode: mode,
  rport,
  outcome,
  detail: outcome,
  durationMs: 10,
  startedAt: 0,
  requestsSent: 1,
  retransmissions: 0,
  responsesFromElsewhere: [],
  traceSeqs: [],
});
const result = (attempts: AttemptResult[], pathProbes?: CheckResult['pathProbes']): CheckResult => checkResult({ attempts, pathProbes });
const byId = (r: CheckResult) => Object.fromEntries(predictProfiles(r, CLIENT_PROFILES).map((p) => [p.profile, p]));

describe('client profile predictions', () => {
  it('seed 000: port-5060 clients fail, random-port clients work; the fix names the setting', () => {
    const p = byId(
      result([
        attempt('UDP from port 5060', 'udp', 'fixed-5060', true, 'no-response'),
        attempt('UDP from an ephemeral port', 'udp', 'ephemeral', true, 'registered'),
        attempt('UDP from an ephemeral port, no rport', 'udp', 'ephemeral', false, 'registered'),
        attempt('TCP', 'tcp', 'ephemeral', true, 'registered'),
      ]),
    );
    expect(p.jitsi).toMatchObject({ verdict: 'fails' });
    expect(p.jitsi!.fix).toContain('"SIP client port" to another port (e.g. 5062)');
    expect(p.jitsi!.fix).toContain('TCP');
    expect(p.linphone).toMatchObject({ verdict: 'works' });
    expect(p['generic-fixed-5060']!.verdict).toBe('fails');
    expect(p['generic-random-port']!.verdict).toBe('works');
  });

  it('says "unknown" for credential problems and untested paths rather than guessing', () => {
    const p = byId(result([attempt('UDP from an ephemeral port', 'udp', 'ephemeral', true, 'auth-failed')]));
    expect(p.linphone).toMatchObject({ verdict: 'unknown', because: expect.stringContaining('credentials') });
    expect(p.jitsi).toMatchObject({ verdict: 'unknown', because: expect.stringContaining('not tested') });
  });

  it('warns UDP clients about lost and late fragments and short NAT bindings', () => {
    const series = (largest: number, lateRtt: number): FragmentationSeries => ({
      transport: 'udp',
      mode: 'upstream',
      largestDelivered: largest,
      points: [
        { size: 1000, delivered: true, rttMs: 20, sends: 1 },
        { size: 2000, delivered: largest >= 2000, rttMs: lateRtt, sends: 1 },
      ],
    });
    const base = [attempt('UDP from an ephemeral port', 'udp', 'ephemeral', true, 'registered')];
    const lost = byId(
      result(base, {
        fragmentation: {
          target: { host: 'h', address: 'a', port: 1 },
          outcome: 'ok',
          detail: '',
          series: [series(1472, 0)],
          skipped: [],
          durationMs: 0,
          traceSeqs: [],
        },
      }),
    );
    expect(lost.linphone!.warnings.join()).toMatch(/above 1472 bytes were lost/);
    const late = byId(
      result(base, {
        fragmentation: {
          target: { host: 'h', address: 'a', port: 1 },
          outcome: 'ok',
          detail: '',
          series: [series(8000, 2500)],
          skipped: [],
          durationMs: 0,
          traceSeqs: [],
        },
      }),
    );
    expect(late.linphone!.warnings.join()).toMatch(/up to 2480 ms later/);
    const short = byId(
      result(base, {
        stun: {
          server: { host: 'h', address: 'a', port: 1 },
          outcome: 'ok',
          detail: '',
          portPreservation: [],
          skipped: [],
          durationMs: 0,
          traceSeqs: [],
          bindingLifetime: { aliveAfter: [10], expiredAfter: [20], recommendation: { seconds: 8, bound: 'measured' }, detail: '' },
        },
      }),
    );
    expect(short.linphone!.warnings.join()).toMatch(/after 20 s or less.*every 8 s/);
    const clean = byId(result(base));
    expect(clean.linphone!.warnings).toEqual([]);
  });
});
