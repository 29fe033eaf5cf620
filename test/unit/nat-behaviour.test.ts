import { describe, expect, it } from 'vitest';
import { classicName, classifyFiltering, classifyMapping, keepAliveRecommendation } from '../../shared/stun/nat-behaviour.js';

const ep = (address: string, port: number) => ({ address, port });
const local = ep('192.168.1.2', 40000);

describe('RFC 5780 classification', () => {
  it('mapping: no NAT, endpoint-independent, address-dependent, address-and-port-dependent', () => {
    expect(classifyMapping(local, local, local)).toBe('no-nat');
    expect(classifyMapping(local, ep('203.0.113.1', 40000), ep('203.0.113.1', 40000))).toBe('endpoint-independent');
    expect(classifyMapping(local, ep('203.0.113.1', 1), ep('203.0.113.1', 2), ep('203.0.113.1', 2))).toBe('address-dependent');
    expect(classifyMapping(local, ep('203.0.113.1', 1), ep('203.0.113.1', 2), ep('203.0.113.1', 3))).toBe('address-and-port-dependent');
    expect(classifyMapping(local, ep('203.0.113.1', 1), ep('203.0.113.1', 2))).toBeNull(); // test III missing
  });

  it('filtering from which CHANGE-REQUEST answers arrived', () => {
    expect(classifyFiltering(true, false)).toBe('endpoint-independent');
    expect(classifyFiltering(false, true)).toBe('address-dependent');
    expect(classifyFiltering(false, false)).toBe('address-and-port-dependent');
  });

  it('names the classic RFC 3489 types', () => {
    expect(classicName('endpoint-independent', 'endpoint-independent')).toBe('Full-cone NAT');
    expect(classicName('endpoint-independent', 'address-dependent')).toBe('Restricted-cone NAT');
    expect(classicName('endpoint-independent', 'address-and-port-dependent')).toBe('Port-restricted-cone NAT');
    expect(classicName('address-dependent', 'address-dependent')).toBe('Symmetric NAT');
    expect(classicName('no-nat', 'address-and-port-dependent')).toMatch(/firewall/);
    expect(classicName('endpoint-independent')).toMatch(/filtering unknown/);
  });

  it('recommends keep-alives inside the measured binding lifetime', () => {
    expect(keepAliveRecommendation([5, 10, 20], [30, 60])).toEqual({ seconds: 16, bound: 'measured' });
    expect(keepAliveRecommendation([5], [10])).toEqual({ seconds: 5, bound: 'measured' });
    expect(keepAliveRecommendation([], [5])).toEqual({ seconds: 2, bound: 'below' });
    expect(keepAliveRecommendation([5, 10, 30], [])).toEqual({ seconds: 24, bound: 'at-least' });
    expect(keepAliveRecommendation([], [])).toBeNull();
  });
});
