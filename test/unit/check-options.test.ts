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
    [null, 'must be an object'],
    ['sip:alice@example.com', 'must be an object'],
  ])('rejects %j', (input, message) => {
    const v = validateCheckOptions(input);
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.errors.join('; ')).toContain(message);
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
      ['UDP from port 5060', 5060, true], ['UDP from an ephemeral port', undefined, true], ['UDP from an ephemeral port, no rport', undefined, false],
      ['UDP from port 5062', 5062, true], ['UDP (b)', undefined, true], ['TCP', undefined, true],
    ]);
    expect(plans.map((p) => p.id)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
