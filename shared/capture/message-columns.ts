// What the grouping keeps of each message until the results are built, as parallel typed arrays
// (columns) rather than an object and two array slots per message: at 200,000 packets that was
// ~25 MB of small objects and half-empty arrays for the collector to trace. Messages of one
// exchange are chained through `next`, so a group needs no array of its own.
import type { Endpoint } from '../model/trace.js';

/** Capacity of the columns at first; they double when full. */
const INITIAL_CAPACITY = 4096;
/** `next` of the last message of its group. */
export const END = -1;
/** Distinct reason phrases kept (a Uint16 id each); others are read from their message when needed. */
const MAX_REASON_ID = 0xffff;

export class MessageColumns {
  private capacity = INITIAL_CAPACITY;
  ts = new Float64Array(INITIAL_CAPACITY);
  /** Byte arena locator (see arena.ts). */
  locator = new Float64Array(INITIAL_CAPACITY);
  size = new Uint32Array(INITIAL_CAPACITY);
  /** Status, request, credentials and method bits (see as-result.ts). */
  info = new Uint32Array(INITIAL_CAPACITY);
  src = new Uint32Array(INITIAL_CAPACITY);
  dst = new Uint32Array(INITIAL_CAPACITY);
  tcp = new Uint8Array(INITIAL_CAPACITY);
  /** Reason phrase of a response, by id (see `reasonOf`); 0 when not kept. */
  reason = new Uint16Array(INITIAL_CAPACITY);
  next = new Int32Array(INITIAL_CAPACITY);
  count = 0;
  /** Endpoints by id: the decoder hands out one object per address and port, so ids are few. */
  private readonly endpoints: Endpoint[] = [];
  private readonly endpointIds = new Map<Endpoint, number>();
  /** Reason phrases by id: a capture has a few dozen ("OK", "Unauthorized"), so outcomes need no message read back. */
  private readonly reasons = [''];
  private readonly reasonIds = new Map<string, number>();

  /** Appends a message; returns its index. */
  add(ts: number, tcp: boolean, src: Endpoint, dst: Endpoint, locator: number, size: number, info: number, reason: string): number {
    if (this.count === this.capacity) this.grow();
    const i = this.count++;
    this.ts[i] = ts;
    this.tcp[i] = tcp ? 1 : 0;
    this.src[i] = this.endpointId(src);
    this.dst[i] = this.endpointId(dst);
    this.locator[i] = locator;
    this.size[i] = size;
    this.info[i] = info;
    this.reason[i] = this.reasonId(reason);
    this.next[i] = END;
    return i;
  }

  srcOf(i: number): Endpoint {
    return this.endpoints[this.src[i]!]!;
  }

  dstOf(i: number): Endpoint {
    return this.endpoints[this.dst[i]!]!;
  }

  /** The reason phrase of message `i`, or undefined when it was not kept. */
  reasonOf(i: number): string | undefined {
    return this.reason[i] ? this.reasons[this.reason[i]!] : undefined;
  }

  private reasonId(reason: string): number {
    let id = this.reasonIds.get(reason);
    if (id === undefined) {
      if (this.reasons.length > MAX_REASON_ID) return 0;
      id = this.reasons.push(reason) - 1;
      this.reasonIds.set(reason, id);
    }
    return id;
  }

  private endpointId(e: Endpoint): number {
    let id = this.endpointIds.get(e);
    if (id === undefined) {
      id = this.endpoints.push(e) - 1;
      this.endpointIds.set(e, id);
    }
    return id;
  }

  private grow(): void {
    this.capacity *= 2;
    const bigger = <T extends Float64Array | Uint32Array | Uint16Array | Uint8Array | Int32Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(this.capacity);
      b.set(a);
      return b;
    };
    this.ts = bigger(this.ts);
    this.locator = bigger(this.locator);
    this.size = bigger(this.size);
    this.info = bigger(this.info);
    this.src = bigger(this.src);
    this.dst = bigger(this.dst);
    this.tcp = bigger(this.tcp);
    this.reason = bigger(this.reason);
    this.next = bigger(this.next);
  }
}
