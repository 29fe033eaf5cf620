// Identifiers that RFC 3261 wants unique: branch (§8.1.1.7, magic cookie "z9hG4bK"), tags (§19.3),
// Call-ID (§8.1.1.4) and the digest cnonce. Randomness is injected so tests are deterministic.
import { toHex } from '../hash/utf8.js';

export type RandomBytes = (n: number) => Uint8Array;

export const BRANCH_MAGIC_COOKIE = 'z9hG4bK';

export interface IdSource {
  branch(): string;
  tag(): string;
  callId(): string;
  cnonce(): string;
}

export function idSource(random: RandomBytes): IdSource {
  return {
    branch: () => BRANCH_MAGIC_COOKIE + '-sl-' + toHex(random(10)),
    tag: () => toHex(random(6)),
    callId: () => toHex(random(12)) + '@sipladder',
    cnonce: () => toHex(random(8)),
  };
}
