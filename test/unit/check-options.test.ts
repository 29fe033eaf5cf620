import { describe, expect, it } from 'vitest';
import { planAttempts } from '../../electron/engine/check.js';
import { validateCheckOptions } from '../../shared/model/check-options.js';

const ok = { server: 'sip.example.com', user: 'alice', transports: ['udp'] };

describe('validateCheckOptions', () => {
  it.each([
    [{ ...ok, server: 'sip.example.com:5060' }, 'not a valid host name'],
    [{ ...ok, server: 'bad host' }, 'not a valid host name'],
    [{ ...ok, server: '' }, 'server is required'],
    [{ ...ok, server: 'a'.repeat(300) }, 'longer than'],
    [{ ...ok, user: 'alice:secret' }, 'never put a password'],
    [{ ...ok, user: 'al\u0000ice' }, 'control characters'],
    [{ ...ok, user: 'caf\uFFFD' }, 'not valid UTF-8'],
    [{ ...ok, transports: ['udp', 'sctp'] }, 'unknown transport "sctp"'],
    [{ ...ok, transports: [] }, 'at least one'],
    [{ ...ok, ports: { udp: 70000 } }, 'port number'],
    [{ ...ok, sourcePort: 0 }, 'port number'],
    [{ ...ok, wsPath: 'ws' }, 'start with "/"'],
    [{ user: 'alice', transports: ['udp'] }, 'server is required'],
    [{ ...ok, transports: undefined }, 'transports must list at least one'],
    [{ ...ok, ports: { sctp: 5060 } }, 'ports: unknown transport "sctp"'],
    [{ ...ok, ports: 5060 }, 'ports must be an object'],
    [{ ...ok, stun: { host: 'bad host' } }, 'stun.host must be a valid host name'],
    [{ ...ok, reflector: { host: '192.0.2.9', port: 0 } }, 'reflector.port must be a port number'],
    [{ ...ok, bindingLifetimeS: 301 }, 'bindingLifetimeS must be a whole number of seconds from 0 to 300'],
    [{ ...ok, tlsVerify: 'yes' }, 'tlsVerify must be true or false'],
    [{ ...ok, password: 1234 }, 'password must be text'],
    [{ ...ok, domain: 'no such domain' }, 'domain "no such domain" is not a valid domain'],
    [null, 'must be an object'],
    ['sip:alice@example.com', 'must be an object'],
  ])('rejects %j', (input, message) => {
    const v = validateCheckOptions(input);
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.errors.join('; ')).toContain(message);
  });

  it('gives one problem per field, in the words the form shows', () => {
    const v = validateCheckOptions({ ...ok, user: `a\u0000${'b'.repeat(200)}` });
    expect(v.ok ? [] : v.errors).toEqual(['user is longer than 128 characters']);
  });

  it('trims text, keeps the password as typed, and treats "" as not given', () => {
    const v = validateCheckOptions({ ...ok, server: ' sip.example.com ', password: ' pw ', domain: '', wsPath: '/ws' });
    expect(v.ok && [v.value.server, v.value.password, v.value.domain, v.value.wsPath]).toEqual(['sip.example.com', ' pw ', undefined, '/ws']);
  });

  it('accepts IPv4, IPv6 and host names, and removes duplicate transports', () => {
    for (const server of ['192.0.2.1', '2001:db8::1', '[2001:db8::1]', 'sip.example.com', 'localhost']) {
      expect(validateCheckOptions({ ...ok, server }).ok).toBe(true);
    }
    const v = validateCheckOptions({ ...ok, transports: ['udp', 'udp', 'tcp'] });
    expect(v.ok && v.value.transports).toEqual(['udp', 'tcp']);
  });
});

describe('planAttempts', () => {
  it('varies the UDP source port and rport only on the first UDP target', () => {
    const t = (h: string) => ({ host: h, address: '192.0.2.1', port: 5060 });
    const plans = planAttempts(['udp', 'tcp'], { udp: [t('a'), t('b')], tcp: [t('a')] }, { ...ok, transports: ['udp', 'tcp'], sourcePort: 5062 });
    expect(plans.map((p) => [p.label, p.localPort, p.rport])).toEqual([
      ['UDP from port 5060', 5060, true],
      ['UDP from an ephemeral port', undefined, true],
      ['UDP from an ephemeral port, no rport', undefined, false],
      ['UDP from port 5062', 5062, true],
      ['UDP (b)', undefined, true],
      ['TCP', undefined, true],
    ]);
    expect(plans.map((p) => p.id)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
