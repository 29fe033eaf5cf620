// Classification of NAT behaviour from STUN observations (RFC 5780 §4.3-4.4, vocabulary of
// RFC 4787 §4.1, §5), with the classic RFC 3489 §5 name that support staff still use.
import type { Endpoint } from '../model/trace.js';

export type MappingBehaviour = 'no-nat' | 'endpoint-independent' | 'address-dependent' | 'address-and-port-dependent';
export type FilteringBehaviour = 'endpoint-independent' | 'address-dependent' | 'address-and-port-dependent';

const same = (a: Endpoint, b: Endpoint): boolean => a.address === b.address && a.port === b.port;

/**
 * RFC 5780 §4.3: `local` is our socket, m1 the mapping seen by the primary address, m2 by the
 * alternate IP (primary port), m3 by the alternate IP and port. m3 is only needed when m1 ≠ m2.
 */
export function classifyMapping(local: Endpoint, m1: Endpoint, m2: Endpoint, m3?: Endpoint): MappingBehaviour | null {
  if (same(local, m1)) return 'no-nat';
  if (same(m1, m2)) return 'endpoint-independent';
  if (!m3) return null;
  return same(m2, m3) ? 'address-dependent' : 'address-and-port-dependent';
}

/** RFC 5780 §4.4: which CHANGE-REQUEST responses got through. */
export function classifyFiltering(changedIpAndPortArrived: boolean, changedPortArrived: boolean): FilteringBehaviour {
  if (changedIpAndPortArrived) return 'endpoint-independent';
  return changedPortArrived ? 'address-dependent' : 'address-and-port-dependent';
}

/** The RFC 3489 name for the combination (several RFC 4787 combinations have no classic name). */
export function classicName(mapping: MappingBehaviour, filtering?: FilteringBehaviour): string {
  if (mapping === 'no-nat') return filtering === 'endpoint-independent' || !filtering ? 'Open Internet (no NAT)' : 'Symmetric UDP firewall (no NAT, filtered)';
  if (mapping !== 'endpoint-independent') return 'Symmetric NAT';
  if (!filtering) return 'Cone NAT (filtering unknown)';
  return { 'endpoint-independent': 'Full-cone NAT', 'address-dependent': 'Restricted-cone NAT', 'address-and-port-dependent': 'Port-restricted-cone NAT' }[
    filtering
  ];
}

/**
 * A re-REGISTER / keep-alive interval that keeps a UDP binding open: 80% of the longest idle
 * time the binding survived, never below 5 s (RFC 5626 §4.4.1 suggests keep-alives well inside it).
 */
export function keepAliveRecommendation(aliveAfter: number[], expiredAfter: number[]): { seconds: number; bound: 'measured' | 'at-least' | 'below' } | null {
  const firstExpired = expiredAfter.length ? Math.min(...expiredAfter) : undefined;
  const longestAlive = Math.max(0, ...aliveAfter.filter((t) => firstExpired === undefined || t < firstExpired));
  if (firstExpired === undefined) return longestAlive ? { seconds: Math.floor(longestAlive * 0.8), bound: 'at-least' } : null;
  if (longestAlive === 0) return { seconds: Math.max(1, Math.floor(firstExpired / 2)), bound: 'below' };
  return { seconds: Math.max(5, Math.floor(longestAlive * 0.8)), bound: 'measured' };
}
