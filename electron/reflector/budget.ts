// Abuse limits of the reflector: it answers only the source of a request, and each source address
// gets a bounded number of requests and response bytes per window, so it cannot be used to flood
// a third party whose address was spoofed (documented in README "Reflector").
export const REQUESTS_PER_WINDOW = 100;
export const BYTES_PER_WINDOW = 512 * 1024;
export const WINDOW_MS = 10_000;
/** Sources remembered at once; beyond it, the oldest are forgotten (memory stays bounded). */
export const MAX_TRACKED_SOURCES = 10_000;

export class SourceBudget {
  private used = new Map<string, { start: number; requests: number; bytes: number }>();

  constructor(private readonly now: () => number = () => Date.now()) {}

  /** True when `source` may get a response of `bytes` now (and charges it). */
  allow(source: string, bytes: number): boolean {
    const t = this.now();
    let u = this.used.get(source);
    if (!u || t - u.start >= WINDOW_MS) {
      if (!u && this.used.size >= MAX_TRACKED_SOURCES) this.used.delete(this.used.keys().next().value!);
      u = { start: t, requests: 0, bytes: 0 };
      this.used.set(source, u);
    }
    if (u.requests + 1 > REQUESTS_PER_WINDOW || u.bytes + bytes > BYTES_PER_WINDOW) return false;
    u.requests++;
    u.bytes += bytes;
    return true;
  }
}
