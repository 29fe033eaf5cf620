// Stateless return-routability cookies (the idea of DNS cookies, RFC 7873 §5.2, and of STUN's
// own nonce mechanisms): the reflector hands every UDP source the MAC of its address and port, and
// only a request that echoes it may get an answer larger than itself. A spoofed source never sees
// its cookie, so it cannot make the reflector amplify toward a victim.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { SIPLADDER_COOKIE_BYTES } from '../../shared/stun/message.js';

/** A cookie is issued for this window and stays valid through the next one (60–120 s in all). */
export const COOKIE_WINDOW_MS = 60_000;
/** HMAC-SHA256 key length, generated at start (never stored: a restart invalidates every cookie). */
export const COOKIE_KEY_BYTES = 32;
/**
 * The cookie is this many leading bytes of the MAC (128 bits: not guessable within any budget);
 * the STUN attribute that carries it defines the length.
 */
export const COOKIE_BYTES = SIPLADDER_COOKIE_BYTES;

export interface CookieSource {
  address: string;
  port: number;
}

export class CookieJar {
  constructor(
    private readonly key: Uint8Array = randomBytes(COOKIE_KEY_BYTES),
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** The cookie for `source` in the current window (raw bytes, as in the STUN attribute). */
  issue(source: CookieSource): Uint8Array {
    return this.mac(source, this.window());
  }

  /** The same cookie as text for the SIP header: base64url without padding (22 characters). */
  issueText(source: CookieSource): string {
    return Buffer.from(this.issue(source)).toString('base64url');
  }

  /** True when `cookie` was issued to `source` in the current or the previous window. */
  verify(source: CookieSource, cookie: Uint8Array): boolean {
    if (cookie.length !== COOKIE_BYTES) return false;
    const w = this.window();
    return timingSafeEqual(cookie, this.mac(source, w)) || timingSafeEqual(cookie, this.mac(source, w - 1));
  }

  verifyText(source: CookieSource, text: string): boolean {
    // base64url of 16 bytes is exactly 22 characters; anything else cannot be ours.
    return /^[A-Za-z0-9_-]{22}$/.test(text) && this.verify(source, new Uint8Array(Buffer.from(text, 'base64url')));
  }

  private window(): number {
    return Math.floor(this.now() / COOKIE_WINDOW_MS);
  }

  private mac(source: CookieSource, window: number): Uint8Array {
    const h = createHmac('sha256', this.key).update(`${source.address}|${source.port}|${window}`).digest();
    return new Uint8Array(h.buffer, h.byteOffset, COOKIE_BYTES);
  }
}
