// One string (or one list, or one endpoint) per distinct value for the texts of a capture's
// dialogs: 40,000 dialogs name a handful of user agents, codecs, media and server addresses, and
// each copy decoded from a message would be an object of its own for the import's lifetime.
import type { Endpoint } from '../model/trace.js';

/** Distinct values remembered per kind; beyond that, values are kept as they come (bounded memory). */
export const MAX_INTERNED_VALUES = 65_536;

export class Interner {
  private readonly texts = new Map<string, string>();
  private readonly lists = new Map<string, string[]>();
  private readonly endpoints = new Map<string, Endpoint>();

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
    return remember(this.endpoints, `${address}|${port}`, { address: this.text(address), port });
  }
}

function remember<T>(seen: Map<string, T>, key: string, value: T): T {
  const known = seen.get(key);
  if (known !== undefined) return known;
  if (seen.size < MAX_INTERNED_VALUES) seen.set(key, value);
  return value;
}
