// Same-length stand-ins for pseudonymised values: messages keep their byte offsets (Content-Length,
// pcapng payload lengths) and the ladder reads the same. Each maker takes the original and a
// counter n (1, 2, …) that makes stand-ins of one kind distinct.

/** IPv4: each octet keeps its number of digits (so the dotted text keeps its length). */
export function ipv4StandIn(original: string, n: number): string {
  const ranges: Record<number, [number, number]> = { 1: [0, 10], 2: [10, 90], 3: [100, 100] };
  const out: number[] = [];
  let rest = n;
  for (const octet of original.split('.').reverse()) {
    const [min, size] = ranges[octet.length]!;
    out.unshift(min + (rest % size));
    rest = Math.floor(rest / size);
  }
  return out.join('.');
}

/**
 * Hex digits replaced, everything else (colons, "::", dashes) kept: the shape of an IPv6 address or
 * a UUID stays valid. The counter fills the last digits, 'd' the rest.
 */
export function hexStandIn(original: string, n: number): string {
  const digits = n.toString(16);
  const positions = [...original].flatMap((c, i) => (/[0-9a-f]/i.test(c) ? [i] : []));
  const out = [...original];
  positions.forEach((p, k) => {
    const fromEnd = positions.length - 1 - k;
    out[p] = fromEnd < digits.length ? digits[digits.length - 1 - fromEnd]! : 'd';
  });
  return out.join('');
}

/** Digits replaced, "+" and separators kept: a phone number stays a phone number. */
export function digitsStandIn(original: string, n: number): string {
  let k = 0;
  return original.replace(/\d/g, () => String((n * 7 + k++) % 10));
}

/** "user1xxxx": a readable word of the original's length (with a suffix such as ".test" when it fits). */
export function wordStandIn(prefix: string, original: string, n: number, suffix = ''): string {
  const core = `${prefix}${n}`;
  // Too short for the word: the counter alone, in base 36, still distinct per n.
  if (original.length < core.length + suffix.length) return n.toString(36).padStart(original.length, prefix[0]).slice(-original.length);
  return core.padEnd(original.length - suffix.length, 'x') + suffix;
}
