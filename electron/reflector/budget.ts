// Abuse limits of the reflector: it answers only the source of a request, and each source address
// and each source prefix (IPv4 /24, IPv6 /56) gets a bounded number of answers and answer bytes per
// window, so a spoofed victim — or a victim's whole network — gets little (README "Reflector").
//
// The counts live in a count-min sketch (Cormode & Muthukrishnan): a fixed table of counters whose
// estimate for a key is never below its true count. Memory is constant, and no number of decoy
// sources can flush a victim's count: decoys can only push estimates up (answering less), never down.
import { randomBytes } from 'node:crypto';
import { ipv4Bytes, ipv6Bytes } from '../../shared/net/ip.js';

export interface BudgetLimits {
  /** Answers per source address per window. */
  requestsPerAddress: number;
  /** Answer bytes per source address per window. */
  bytesPerAddress: number;
  /** Answers per source prefix (IPv4 /24, IPv6 /56) per window. */
  requestsPerPrefix: number;
  bytesPerPrefix: number;
}

export const WINDOW_MS = 10_000;
export const DEFAULT_LIMITS: BudgetLimits = {
  requestsPerAddress: 100,
  bytesPerAddress: 512 * 1024,
  requestsPerPrefix: 400,
  bytesPerPrefix: 2 * 1024 * 1024,
};
/** Counters per sketch row; with 4 rows 2 × 4 × 4096 × 4 bytes = 128 KB in all, whatever the traffic. */
export const SKETCH_WIDTH = 4096;
export const SKETCH_DEPTH = 4;
/** IPv6 prefix bytes (/56): the smallest block an ISP commonly delegates to one customer. */
const IPV6_PREFIX_BYTES = 7;

/** The /24 or /56 a source address belongs to (IPv4-mapped IPv6 counts as IPv4), as a key. */
export function prefixOf(address: string): string {
  const plain = address.replace(/%.*$/, '');
  const v4 = ipv4Bytes(plain.replace(/^::ffff:/i, ''));
  if (v4) return `4:${v4[0]}.${v4[1]}.${v4[2]}`;
  const v6 = ipv6Bytes(plain);
  return v6 ? `6:${Array.from(v6.subarray(0, IPV6_PREFIX_BYTES), (b) => b.toString(16)).join('.')}` : `?:${plain}`;
}

/** FNV-1a over the key, started from a per-row seed (random at start, so collisions cannot be planned). */
function hash(seed: number, key: string): number {
  let h = seed >>> 0;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // Final avalanche (murmur3 fmix32): FNV's low bits alone are weak for a power-of-two table.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  return (h >>> 0) % SKETCH_WIDTH;
}

/** One count-min sketch: `estimate` ≥ the true sum added for a key in this window. */
class CountMinSketch {
  private readonly rows = Array.from({ length: SKETCH_DEPTH }, () => new Uint32Array(SKETCH_WIDTH));

  constructor(private readonly seeds: Uint32Array) {}

  cells(key: string): number[] {
    return Array.from(this.seeds, (s) => hash(s, key));
  }

  estimate(cells: number[]): number {
    return Math.min(...cells.map((c, r) => this.rows[r]![c]!));
  }

  /** Conservative update: only raises counters that are below the new estimate (tighter, still never under). */
  add(cells: number[], amount: number): void {
    const target = this.estimate(cells) + amount;
    cells.forEach((c, r) => {
      if (this.rows[r]![c]! < target) this.rows[r]![c] = Math.min(target, 0xffffffff);
    });
  }

  clear(): void {
    for (const row of this.rows) row.fill(0);
  }
}

export class SourceBudget {
  private readonly requests: CountMinSketch;
  private readonly bytes: CountMinSketch;
  private window = -1;

  constructor(
    private readonly now: () => number = () => Date.now(),
    private readonly limits: BudgetLimits = DEFAULT_LIMITS,
    random: (n: number) => Uint8Array = (n) => randomBytes(n),
  ) {
    // Copied: a Buffer from the pool shares its ArrayBuffer with other data.
    const seeds = new Uint32Array(Uint8Array.from(random(4 * SKETCH_DEPTH)).buffer);
    this.requests = new CountMinSketch(seeds);
    this.bytes = new CountMinSketch(seeds);
  }

  /** True when `source` (an IP address) may get an answer of `bytes` now, and charges it to the address and its prefix. */
  allow(source: string, bytes: number): boolean {
    // Fixed windows: every count starts again at a window boundary, for everyone at once.
    const w = Math.floor(this.now() / WINDOW_MS);
    if (w !== this.window) {
      this.window = w;
      this.requests.clear();
      this.bytes.clear();
    }
    const address = this.requests.cells(`a|${source}`);
    const prefix = this.requests.cells(`p|${prefixOf(source)}`);
    const l = this.limits;
    if (this.requests.estimate(address) + 1 > l.requestsPerAddress || this.bytes.estimate(address) + bytes > l.bytesPerAddress) return false;
    if (this.requests.estimate(prefix) + 1 > l.requestsPerPrefix || this.bytes.estimate(prefix) + bytes > l.bytesPerPrefix) return false;
    this.requests.add(address, 1);
    this.requests.add(prefix, 1);
    this.bytes.add(address, bytes);
    this.bytes.add(prefix, bytes);
    return true;
  }
}
