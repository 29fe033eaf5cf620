// Small string helpers for the parsers' hot paths.

/** Lower-cases only when needed (most names on the wire already are lower-case). */
export function lower(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) return s.toLowerCase();
  }
  return s;
}

/**
 * Name of a parameter in s[i, j), lower-cased. The usual names come back as string literals,
 * found by (length, first, last character) and confirmed in place without slicing: literals are
 * cheap property keys, fresh slices are not.
 */
export function paramName(s: string, i: number, j: number): string {
  const cand = KNOWN_PARAMS.get(((j - i) << 16) | (s.charCodeAt(i) << 8) | s.charCodeAt(j - 1));
  if (cand !== undefined && s.startsWith(cand, i)) return cand;
  return lower(s.slice(i, j));
}

const KNOWN_PARAMS = new Map<number, string>(
  [
    'q',
    'nc',
    'lr',
    'tag',
    'uri',
    'qop',
    'ttl',
    'rport',
    'realm',
    'nonce',
    'maddr',
    'stale',
    'branch',
    'cnonce',
    'opaque',
    'expires',
    'received',
    'username',
    'response',
    'transport',
    'algorithm',
  ].map((p) => [(p.length << 16) | (p.charCodeAt(0) << 8) | p.charCodeAt(p.length - 1), p]),
);
