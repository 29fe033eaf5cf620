import { describe, expect, it } from 'vitest';
import { dnsTraceEvent, resolveTargets, type NaptrRecord, type Resolver, type SrvRecord } from '../../electron/engine/dns.js';
import type { Transport } from '../../shared/model/trace.js';

function fakeResolver(zone: {
  naptr?: Record<string, NaptrRecord[]>;
  srv?: Record<string, SrvRecord[]>;
  a?: Record<string, string[]>;
}): Resolver & { asked: string[] } {
  const asked: string[] = [];
  const nx = (name: string) => Object.assign(new Error(`queryX ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
  return {
    asked,
    naptr: async (n) => {
      asked.push(`NAPTR ${n}`);
      if (zone.naptr?.[n]) return zone.naptr[n]!;
      throw Object.assign(new Error('nodata'), { code: 'ENODATA' });
    },
    srv: async (n) => {
      asked.push(`SRV ${n}`);
      if (zone.srv?.[n]) return zone.srv[n]!;
      throw nx(n);
    },
    addresses: async (n) => {
      asked.push(`A ${n}`);
      if (zone.a?.[n]) return zone.a[n]!;
      throw nx(n);
    },
  };
}
const resolve = (server: string, transports: Transport[], resolver: Resolver, ports = {}) =>
  resolveTargets({ server, transports, resolver, ports, now: () => 0 });

describe('RFC 3263 server location', () => {
  it('follows NAPTR to SRV to A for each transport, highest priority first', async () => {
    const r = fakeResolver({
      naptr: {
        'example.com': [
          { order: 10, preference: 10, flags: 's', service: 'SIPS+D2T', replacement: '_sips._tcp.example.com' },
          { order: 20, preference: 10, flags: 's', service: 'SIP+D2U', replacement: '_sip._udp.example.com' },
        ],
      },
      srv: {
        '_sip._udp.example.com': [
          { priority: 20, weight: 0, port: 5070, name: 'b.example.com' },
          { priority: 10, weight: 5, port: 5060, name: 'a.example.com' },
        ],
        '_sips._tcp.example.com': [{ priority: 0, weight: 0, port: 5061, name: 'a.example.com' }],
      },
      a: { 'a.example.com': ['192.0.2.10'], 'b.example.com': ['192.0.2.11'], 'example.com': ['192.0.2.1'] },
    });
    const res = await resolve('example.com', ['udp', 'tls', 'tcp'], r);
    expect(res.targets.udp).toEqual([
      { host: 'a.example.com', address: '192.0.2.10', port: 5060 },
      { host: 'b.example.com', address: '192.0.2.11', port: 5070 },
    ]);
    expect(res.targets.tls).toEqual([{ host: 'a.example.com', address: '192.0.2.10', port: 5061 }]);
    // NAPTR exists but offers no TCP: fall back to the name's A record and default port.
    expect(res.targets.tcp).toEqual([{ host: 'example.com', address: '192.0.2.1', port: 5060 }]);
    expect(res.steps.map((s) => s.type)).toContain('NAPTR');
    expect(r.asked.filter((q) => q === 'A a.example.com')).toHaveLength(1);
  });

  it('uses SRV without NAPTR, and A records with the default port without SRV', async () => {
    const r = fakeResolver({
      srv: { '_sip._udp.example.net': [{ priority: 0, weight: 0, port: 5080, name: 'sip.example.net' }] },
      a: { 'sip.example.net': ['198.51.100.7'], 'example.net': ['198.51.100.1'] },
    });
    const res = await resolve('example.net', ['udp', 'tcp'], r);
    expect(res.targets.udp).toEqual([{ host: 'sip.example.net', address: '198.51.100.7', port: 5080 }]);
    expect(res.targets.tcp).toEqual([{ host: 'example.net', address: '198.51.100.1', port: 5060 }]);
  });

  it('skips NAPTR/SRV when the user gives a port (RFC 3263 §4.2) or an IP address', async () => {
    const r = fakeResolver({ a: { 'pbx.example.org': ['203.0.113.5'] } });
    const res = await resolve('pbx.example.org', ['udp'], r, { udp: 5062 });
    expect(res.targets.udp).toEqual([{ host: 'pbx.example.org', address: '203.0.113.5', port: 5062 }]);
    expect(r.asked).toEqual(['A pbx.example.org']);
    const ip = await resolve('203.0.113.9', ['tls'], fakeResolver({}));
    expect(ip.targets.tls).toEqual([{ host: '203.0.113.9', address: '203.0.113.9', port: 5061 }]);
    expect(ip.steps).toEqual([]);
  });

  it('reports a name that does not resolve, precisely, per transport', async () => {
    const res = await resolve('nowhere.invalid', ['udp', 'tcp'], fakeResolver({}));
    expect(res.targets).toEqual({});
    expect(res.errors.udp).toMatch(/nowhere\.invalid: ENOTFOUND: name does not exist/);
    expect(res.steps.find((s) => s.type === 'A')?.error).toMatch(/ENOTFOUND/);
    const failed = res.steps.find((s) => s.type === 'A')!;
    expect(failed.code).toBe('ENOTFOUND');
    expect(dnsTraceEvent(failed)).toMatchObject({ kind: 'dns', dnsError: 'ENOTFOUND' });
    expect(res.steps.filter((s) => !s.error).map((s) => dnsTraceEvent(s).dnsError)).not.toContain('ENOTFOUND');
  });
});
