// Small string helpers for the parsers' hot paths.

/** Lower-cases only when needed (most names on the wire already are lower-case). */
export function lower(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) return s.toLowerCase();
  }
  return s;
}
