// One string (or one list, or one endpoint) per distinct value for the texts of a capture's
// dialogs: 40,000 dialogs name a handful of user agents, codecs, media and server addresses, and
// each copy decoded from a message would be an object of its own for the import's lifetime.
import type { Endpoint } from '../model/trace.js';

/** Distinct values remembered per kind; beyond that, values are kept as they come (bounded memory). */
export const MAX_INTERNED_VALUES = 65_536;

export class Interner {
  private readonly texts = new Map<string, string>();
  private readonly lists = new Map<string, string[]>();
  /** By address, then port: no key string is built per call (the addresses are mostly the packet decoder's own strings, hashed once). */
  private readonly endpoints = new Map<string, Map<number, Endpoint>>();
  private endpointCount = 0;

  text(s: string): string {
    return remember(this.texts, s, s);
  }

  /** A list of texts, shared by every caller that passes the same items (treat it as read-only). */
  list(items: string[]): string[] {
    return remember(
      this.lists,
      items.join('\n'),
      items.map((s) => this.text(s)),
    );
  }

  endpoint(address: string, port: number): Endpoint {
    let byPort = this.endpoints.get(address);
    const known = byPort?.get(port);
    if (known) return known;
    const e = { address: this.text(address), port };
    if (this.endpointCount < MAX_INTERNED_VALUES) {
      this.endpointCount++;
      if (!byPort) this.endpoints.set(address, (byPort = new Map()));
      byPort.set(port, e);
    }
    return e;
  }
}

function remember<T>(seen: Map<string, T>, key: string, value: T): T {
  const known = seen.get(key);
  if (known !== undefined) return known;
  if (seen.size < MAX_INTERNED_VALUES) seen.set(key, value);
  return value;
}
