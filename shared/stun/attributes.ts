// Attribute values: (XOR-)MAPPED-ADDRESS family encodings (RFC 8489 §14.1-14.2), CHANGE-REQUEST
// (RFC 5780 §7.2), ERROR-CODE (§14.8), text attributes.
import { fromUtf8 } from '../hash/utf8.js';
import { ipv4Bytes, ipv6Bytes } from '../net/ip.js';
import { ATTR, MAGIC_COOKIE, type StunAttribute, type StunMessage, type TransportAddress } from './message.js';

function ipv6Text(bytes: Uint8Array): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  // Compress the longest run of zero groups (RFC 5952 §4.2).
  let best = -1,
    bestLen = 0;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen && j - i > 1) {
      best = i;
      bestLen = j - i;
    }
    i = j === i ? i + 1 : j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

/** Decodes MAPPED-ADDRESS-style values; with `xorWith` the transaction id, XOR-MAPPED-ADDRESS. */
export function decodeAddress(value: Uint8Array, xorWith?: Uint8Array): TransportAddress | null {
  if (value.length < 8) return null;
  const family = value[1];
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
  const mask = new Uint8Array(16);
  if (xorWith) {
    new DataView(mask.buffer).setUint32(0, MAGIC_COOKIE);
    mask.set(xorWith.subarray(0, 12), 4);
  }
  const port = view.getUint16(2) ^ (xorWith ? MAGIC_COOKIE >>> 16 : 0);
  if (family === 0x01) {
    const a = Array.from(value.subarray(4, 8), (b, i) => b ^ mask[i]!);
    return { family: 'IPv4', address: a.join('.'), port };
  }
  if (family === 0x02 && value.length >= 20) {
    return { family: 'IPv6', address: ipv6Text(Uint8Array.from(value.subarray(4, 20), (b, i) => b ^ mask[i]!)), port };
  }
  return null;
}

export function encodeAddress(addr: { address: string; port: number }, xorWith?: Uint8Array): Uint8Array {
  const v6 = addr.address.includes(':');
  const raw = v6 ? ipv6Bytes(addr.address) : ipv4Bytes(addr.address);
  if (!raw) throw new Error(`not an IP address: ${addr.address}`);
  const out = new Uint8Array(4 + raw.length);
  const view = new DataView(out.buffer);
  out[1] = v6 ? 0x02 : 0x01;
  const mask = new Uint8Array(16);
  if (xorWith) {
    new DataView(mask.buffer).setUint32(0, MAGIC_COOKIE);
    mask.set(xorWith.subarray(0, 12), 4);
  }
  view.setUint16(2, addr.port ^ (xorWith ? MAGIC_COOKIE >>> 16 : 0));
  raw.forEach((b, i) => (out[4 + i] = b ^ mask[i]!));
  return out;
}

export function changeRequest(changeIp: boolean, changePort: boolean): Uint8Array {
  return Uint8Array.of(0, 0, 0, (changeIp ? 0x04 : 0) | (changePort ? 0x02 : 0));
}

export function attr(msg: StunMessage, type: number): Uint8Array | undefined {
  return msg.attributes.find((a) => a.type === type)?.value;
}

/** The addresses a Binding response carries (§14.1, §14.2; RFC 5780 §7.3-7.4; RFC 3489 CHANGED-ADDRESS). */
export function bindingAddresses(msg: StunMessage): {
  xorMapped: TransportAddress | null;
  mapped: TransportAddress | null;
  other: TransportAddress | null;
  origin: TransportAddress | null;
} {
  const get = (t: number, xor = false): TransportAddress | null => {
    const v = attr(msg, t);
    return v ? decodeAddress(v, xor ? msg.transactionId : undefined) : null;
  };
  return {
    xorMapped: get(ATTR.XOR_MAPPED_ADDRESS, true),
    mapped: get(ATTR.MAPPED_ADDRESS),
    other: get(ATTR.OTHER_ADDRESS) ?? get(ATTR.CHANGED_ADDRESS),
    origin: get(ATTR.RESPONSE_ORIGIN) ?? get(ATTR.SOURCE_ADDRESS),
  };
}

export function errorCode(msg: StunMessage): { code: number; reason: string } | null {
  const v = attr(msg, ATTR.ERROR_CODE);
  if (!v || v.length < 4) return null;
  return { code: (v[2]! & 0x07) * 100 + v[3]!, reason: fromUtf8(v.subarray(4)) };
}

/**
 * A PADDING attribute (RFC 5780 §7.6) that makes a message of `size` bytes `target` bytes long (its
 * 4-byte header included; `size` and `target` are multiples of 4), or null when there is no room.
 */
export function paddingToReach(size: number, target: number): StunAttribute | null {
  const length = target - size - 4;
  return length >= 0 ? { type: ATTR.PADDING, value: new Uint8Array(length) } : null;
}
