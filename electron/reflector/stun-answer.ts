// What the reflector's STUN responder answers to one datagram (RFC 8489 Binding, RFC 5780 behaviour
// discovery), with the reflector's amplification rule:
//
// - Every response carries SIPLADDER-COOKIE (0xC05C, comprehension-optional, RFC 8489 §14): 16
//   bytes of HMAC over the request's source address and port (electron/reflector/cookie.ts).
// - A request that carries the valid cookie of its source is *proven*: it comes from where the
//   answer goes. Only a proven request may redirect the answer with RESPONSE-PORT (RFC 5780 §7.5),
//   and only a proven request may get a response larger than itself.
// - An unproven request gets a response no larger than the request: SOFTWARE is dropped if that
//   makes it fit, else nothing is sent. Clients make room with PADDING (RFC 5780 §7.6).
// - RFC 5780 §6.1: a request with PADDING gets PADDING in its response. The RFC suggests the MTU as
//   its length (a SHOULD); the reflector pads the response to the request's own size instead, which
//   still exercises fragmentation when the client wants it and never amplifies. PADDING together
//   with RESPONSE-PORT is answered with 400 (§6.1), as is a RESPONSE-PORT that is malformed or 0.
import { encodeAddress, paddingToReach } from '../../shared/stun/attributes.js';
import { decodeStun, encodeStun } from '../../shared/stun/codec.js';
import { ATTR, CHANGE_IP, CHANGE_PORT, METHOD_BINDING, SIPLADDER_COOKIE_BYTES, type StunAttribute, type StunMessage } from '../../shared/stun/message.js';
import { utf8 } from '../../shared/hash/utf8.js';
import type { Endpoint } from '../../shared/model/trace.js';

export interface StunCookies {
  issue(source: Endpoint): Uint8Array;
  verify(source: Endpoint, cookie: Uint8Array): boolean;
}

/** Where this responder listens and what RFC 5780 can offer. */
export interface StunPlace {
  primary: string;
  alternate?: string;
  port: number;
  altPort: number;
}

export type StunAnswer =
  | { kind: 'ignored' }
  | { kind: 'withheld'; smallest: number }
  /** Send `bytes` from `fromIp:fromPort` to the request's source address, port `toPort`. */
  | { kind: 'answer'; bytes: Uint8Array; fromIp: string; fromPort: number; toPort: number; proven: boolean; note: string };

function errorAttr(code: number, reason: string): StunAttribute {
  const r = utf8(reason);
  const v = new Uint8Array(4 + r.length);
  v[2] = Math.floor(code / 100);
  v[3] = code % 100;
  v.set(r, 4);
  return { type: ATTR.ERROR_CODE, value: v };
}

const find = (m: StunMessage, type: number): Uint8Array | undefined => m.attributes.find((a) => a.type === type)?.value;

/** RESPONSE-PORT (RFC 5780 §7.5): a 16-bit port then 16 bits of padding; 0 cannot be sent to. */
function responsePort(value: Uint8Array): number | null {
  if (value.length !== 4) return null;
  const port = (value[0]! << 8) | value[1]!;
  return port === 0 ? null : port;
}

/** The reason a request is refused with 400 (§6.1, §7.5, and the cookie rule), or null. */
function badRequest(req: StunMessage, proven: boolean): string | null {
  const rp = find(req, ATTR.RESPONSE_PORT);
  if (!rp) return null;
  if (responsePort(rp) === null) return 'RESPONSE-PORT must be 4 bytes and name a port other than 0';
  if (find(req, ATTR.PADDING)) return 'PADDING and RESPONSE-PORT together (RFC 5780 §6.1)';
  return proven ? null : 'RESPONSE-PORT needs the SIPLADDER-COOKIE this server sent to this address and port';
}

export function answerStun(raw: Uint8Array, source: Endpoint, here: { ip: string; port: number }, place: StunPlace, cookies: StunCookies): StunAnswer {
  const d = decodeStun(raw);
  if (!d.ok || d.message.cls !== 'request' || d.message.method !== METHOD_BINDING) return { kind: 'ignored' };
  const req = d.message;
  const carried = find(req, ATTR.SIPLADDER_COOKIE);
  const proven = carried !== undefined && carried.length === SIPLADDER_COOKIE_BYTES && cookies.verify(source, carried);
  const other = place.alternate ? { address: place.alternate, port: place.altPort } : undefined;
  let fromIp = here.ip;
  let fromPort = here.port;
  let toPort = source.port;
  let attrs: StunAttribute[];
  let note = '';
  const flags = find(req, ATTR.CHANGE_REQUEST)?.[3] ?? 0;
  const refused = badRequest(req, proven);
  if (refused) {
    attrs = [errorAttr(400, refused)];
    note = `400: ${refused}`;
  } else if (flags & (CHANGE_IP | CHANGE_PORT) && !other) {
    attrs = [errorAttr(420, 'CHANGE-REQUEST needs a second address (not configured)')];
    note = '420: no alternate address';
  } else {
    if (flags & CHANGE_IP) fromIp = fromIp === place.primary ? place.alternate! : place.primary;
    if (flags & CHANGE_PORT) fromPort = fromPort === place.port ? place.altPort : place.port;
    const rp = find(req, ATTR.RESPONSE_PORT);
    if (rp) toPort = responsePort(rp)!;
    attrs = [
      { type: ATTR.XOR_MAPPED_ADDRESS, value: encodeAddress(source, req.transactionId) },
      { type: ATTR.MAPPED_ADDRESS, value: encodeAddress(source) },
      { type: ATTR.RESPONSE_ORIGIN, value: encodeAddress({ address: fromIp, port: fromPort }) },
      ...(other ? [{ type: ATTR.OTHER_ADDRESS, value: encodeAddress(other) }] : []),
    ];
    if (flags) note = `change=${flags}`;
  }
  const cls = attrs[0]!.type === ATTR.ERROR_CODE ? 'error' : 'success';
  attrs.push({ type: ATTR.SIPLADDER_COOKIE, value: cookies.issue(source) });
  const bytes = fitted(req, cls, attrs, proven ? Infinity : raw.length, d.message.attributes.some((a) => a.type === ATTR.PADDING) ? raw.length : 0);
  if (typeof bytes === 'number') return { kind: 'withheld', smallest: bytes };
  return { kind: 'answer', bytes, fromIp, fromPort, toPort, proven, note };
}

/**
 * Encodes the response within `limit` bytes: with SOFTWARE if it fits, else without; padded to
 * `padTo` bytes when the request carried PADDING. Returns the smallest size when nothing fits.
 */
function fitted(req: StunMessage, cls: 'success' | 'error', attrs: StunAttribute[], limit: number, padTo: number): Uint8Array | number {
  const encode = (a: StunAttribute[]): Uint8Array =>
    encodeStun({ cls, method: METHOD_BINDING, transactionId: req.transactionId, attributes: a }, { fingerprint: true });
  let smallest = Infinity;
  for (const set of [[...attrs, { type: ATTR.SOFTWARE, value: utf8('sipladder-reflector') }], attrs]) {
    let out = encode(set);
    if (padTo) {
      // §6.1: PADDING MUST be in the response to a padded request; an empty one when there is no room.
      const padding = paddingToReach(out.length, padTo) ?? paddingToReach(out.length, out.length + 4)!;
      out = encode([...set, padding]);
    }
    if (out.length <= limit) return out;
    smallest = Math.min(smallest, out.length);
  }
  return smallest;
}
