// STUN encoding and decoding (RFC 8489 §5-6, §14), with MESSAGE-INTEGRITY (§14.5) and
// FINGERPRINT (§14.7). Decoding never throws: hostile or non-STUN datagrams give an error.
import { crc32 } from '../hash/crc32.js';
import { hmac } from '@noble/hashes/hmac.js';
import { md5, sha1 } from '@noble/hashes/legacy.js';
import { utf8 } from '../hash/utf8.js';
import { ATTR, HEADER_BYTES, MAGIC_COOKIE, type StunAttribute, type StunClass, type StunMessage } from './message.js';

const FINGERPRINT_XOR = 0x5354554e;
const CLASS_BITS: Record<StunClass, number> = { request: 0x0000, indication: 0x0010, success: 0x0100, error: 0x0110 };

function messageType(cls: StunClass, method: number): number {
  // §5: the class bits C1 C0 are interleaved with the 12 method bits.
  return (method & 0x000f) | ((method & 0x0070) << 1) | ((method & 0x0f80) << 2) | CLASS_BITS[cls];
}

export interface EncodeOptions {
  /** Adds MESSAGE-INTEGRITY with this HMAC key (see shortTermKey / longTermKey). */
  integrityKey?: Uint8Array;
  fingerprint?: boolean;
}

const pad4 = (n: number): number => (n + 3) & ~3;

export function encodeStun(msg: StunMessage, opts: EncodeOptions = {}): Uint8Array {
  const attrs = msg.attributes.filter((a) => a.type !== ATTR.MESSAGE_INTEGRITY && a.type !== ATTR.FINGERPRINT);
  let size = HEADER_BYTES + attrs.reduce((n, a) => n + 4 + pad4(a.value.length), 0);
  if (opts.integrityKey) size += 24;
  if (opts.fingerprint) size += 8;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint16(0, messageType(msg.cls, msg.method));
  view.setUint32(4, MAGIC_COOKIE);
  out.set(msg.transactionId.subarray(0, 12), 8);
  let pos = HEADER_BYTES;
  for (const a of attrs) {
    view.setUint16(pos, a.type);
    view.setUint16(pos + 2, a.value.length);
    out.set(a.value, pos + 4);
    pos += 4 + pad4(a.value.length);
  }
  if (opts.integrityKey) {
    // §14.5: the length field covers up to and including MESSAGE-INTEGRITY when the HMAC is computed.
    view.setUint16(2, pos + 24 - HEADER_BYTES);
    const mac = hmac(sha1, opts.integrityKey, out.subarray(0, pos));
    view.setUint16(pos, ATTR.MESSAGE_INTEGRITY);
    view.setUint16(pos + 2, 20);
    out.set(mac, pos + 4);
    pos += 24;
  }
  view.setUint16(2, size - HEADER_BYTES);
  if (opts.fingerprint) {
    const crc = (crc32(out.subarray(0, pos)) ^ FINGERPRINT_XOR) >>> 0;
    view.setUint16(pos, ATTR.FINGERPRINT);
    view.setUint16(pos + 2, 4);
    view.setUint32(pos + 4, crc);
  }
  return out;
}

export type DecodeResult =
  { ok: true; message: StunMessage; integrity: { offset: number } | null; fingerprint: 'absent' | 'valid' | 'invalid' } | { ok: false; error: string };

export function decodeStun(b: Uint8Array): DecodeResult {
  if (b.length < HEADER_BYTES) return { ok: false, error: `too short for STUN (${b.length} bytes)` };
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const type = view.getUint16(0);
  if (type & 0xc000) return { ok: false, error: 'first two bits are not zero: not STUN' };
  if (view.getUint32(4) !== MAGIC_COOKIE) return { ok: false, error: 'no STUN magic cookie (RFC 3489 server, or not STUN)' };
  const length = view.getUint16(2);
  if (length % 4 !== 0) return { ok: false, error: `message length ${length} is not a multiple of 4` };
  if (HEADER_BYTES + length !== b.length)
    return { ok: false, error: `message length ${length} does not match the ${b.length - HEADER_BYTES} bytes after the header` };
  const classBits = type & 0x0110;
  const cls: StunClass = classBits === 0 ? 'request' : classBits === 0x0010 ? 'indication' : classBits === 0x0100 ? 'success' : 'error';
  const method = (type & 0x000f) | ((type & 0x00e0) >> 1) | ((type & 0x3e00) >> 2);
  const attributes: StunAttribute[] = [];
  let integrity: { offset: number } | null = null;
  let fingerprint: 'absent' | 'valid' | 'invalid' = 'absent';
  let pos = HEADER_BYTES;
  while (pos < b.length) {
    if (pos + 4 > b.length) return { ok: false, error: `truncated attribute header at byte ${pos}` };
    const atype = view.getUint16(pos);
    const alen = view.getUint16(pos + 2);
    if (pos + 4 + alen > b.length) return { ok: false, error: `attribute 0x${atype.toString(16)} at byte ${pos} runs past the end` };
    if (fingerprint !== 'absent') return { ok: false, error: 'attribute after FINGERPRINT' };
    const value = b.slice(pos + 4, pos + 4 + alen);
    if (atype === ATTR.MESSAGE_INTEGRITY && !integrity) integrity = { offset: pos };
    if (atype === ATTR.FINGERPRINT) {
      const expected = (crc32(b.subarray(0, pos)) ^ FINGERPRINT_XOR) >>> 0;
      fingerprint = alen === 4 && view.getUint32(pos + 4) === expected ? 'valid' : 'invalid';
    }
    // §14: attributes after MESSAGE-INTEGRITY (other than FINGERPRINT) must be ignored.
    if (!integrity || integrity.offset === pos || atype === ATTR.FINGERPRINT) attributes.push({ type: atype, value });
    pos += 4 + pad4(alen);
  }
  return { ok: true, message: { cls, method, transactionId: b.slice(8, 20), attributes }, integrity, fingerprint };
}

/** Checks MESSAGE-INTEGRITY of a decoded message against its raw bytes (§14.5). */
export function verifyIntegrity(raw: Uint8Array, integrityOffset: number, key: Uint8Array): boolean {
  if (integrityOffset + 24 > raw.length) return false;
  const copy = raw.slice(0, integrityOffset);
  new DataView(copy.buffer).setUint16(2, integrityOffset + 24 - HEADER_BYTES);
  const mac = hmac(sha1, key, copy);
  const got = raw.subarray(integrityOffset + 4, integrityOffset + 24);
  return mac.every((v, i) => v === got[i]);
}

/** Short-term credential key (§9.1.1): the password (SASLprep assumed already applied). */
export function shortTermKey(password: string): Uint8Array {
  return utf8(password);
}

/** Long-term credential key for MESSAGE-INTEGRITY (§9.2.2): MD5(username ":" realm ":" password). */
export function longTermKey(username: string, realm: string, password: string): Uint8Array {
  return md5(utf8(`${username}:${realm}:${password}`));
}
