// TLS: certificate verification failures are results with the exact reason, and can be bypassed
// on request to separate certificate problems from network problems.
import { afterEach, describe, expect, it } from 'vitest';
import { startRegistrar, type Fixture } from '../../electron/demo/registrar.js';
import { byLabel, checkFixture } from './helpers.js';

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

describe('TLS', () => {
  it('verifies chain and host name, and reports certificate details', async () => {
    fx = await startRegistrar({ transports: ['tls'] });
    const a = byLabel(await checkFixture(fx, { server: 'localhost' }), 'TLS');
    expect(a.outcome).toBe('registered');
    expect(a.tls).toMatchObject({ verified: true, servername: 'localhost' });
    expect(a.tls!.protocol).toMatch(/TLSv1\.[23]/);
    expect(a.tls!.certificate!.issuer).toContain('SIP Ladder Test CA');
    expect(a.tls!.certificate!.subjectAltNames).toContain('DNS:sip.lab.test');
  });

  it('fails with the reason when the issuer is not trusted', async () => {
    fx = await startRegistrar({ transports: ['tls'] });
    const a = byLabel(await checkFixture(fx, { caPem: undefined }), 'TLS');
    expect(a.outcome).toBe('tls-failure');
    expect(a.detail).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|unable to verify|SELF_SIGNED/i);
    expect(a.tls?.certificate?.issuer).toContain('SIP Ladder Test CA');
  });

  it('fails on an expired certificate', async () => {
    fx = await startRegistrar({ transports: ['tls'], tlsCert: 'expired' });
    const a = byLabel(await checkFixture(fx), 'TLS');
    expect(a).toMatchObject({ outcome: 'tls-failure' });
    expect(a.detail).toMatch(/CERT_HAS_EXPIRED/);
    expect(a.tls!.certificate!.validTo).toBe('2021-01-01T00:00:00.000Z');
  });

  it('fails when the certificate names another host', async () => {
    fx = await startRegistrar({ transports: ['tls'], tlsCert: 'wronghost' });
    const a = byLabel(await checkFixture(fx, { server: 'localhost' }), 'TLS');
    expect(a.outcome).toBe('tls-failure');
    expect(a.detail).toMatch(/ALTNAME|localhost/);
  });

  it('continues without verification when asked, and still says it was not verified', async () => {
    fx = await startRegistrar({ transports: ['tls'], tlsCert: 'expired' });
    const a = byLabel(await checkFixture(fx, { tlsVerify: false }), 'TLS');
    expect(a.outcome).toBe('registered');
    expect(a.tls).toMatchObject({ verified: false });
    expect(a.tls!.verifyError).toMatch(/CERT_HAS_EXPIRED/);
  });

  it('says the TLS handshake never completed when the port speaks plain TCP', async () => {
    fx = await startRegistrar({ transports: ['tcp'] });
    const r = await checkFixture(fx, { transports: ['tls'], ports: { tls: fx.ports.tcp } });
    expect(byLabel(r, 'TLS')).toMatchObject({ outcome: 'no-response' });
    expect(byLabel(r, 'TLS').detail).toMatch(/TLS handshake not completed/);
  });
});
