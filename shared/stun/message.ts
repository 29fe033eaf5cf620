// STUN messages (RFC 8489 §5, §6; formerly RFC 5389) and the attributes this app uses,
// including RFC 5780 NAT behaviour discovery and the RFC 3489 legacy ones servers still send.

export const MAGIC_COOKIE = 0x2112a442;
export const HEADER_BYTES = 20;

export const METHOD_BINDING = 0x001;

export type StunClass = 'request' | 'indication' | 'success' | 'error';

export const ATTR = {
  MAPPED_ADDRESS: 0x0001,
  RESPONSE_ADDRESS: 0x0002, // RFC 3489, obsolete
  CHANGE_REQUEST: 0x0003, // RFC 5780 §7.2
  SOURCE_ADDRESS: 0x0004, // RFC 3489, obsolete
  CHANGED_ADDRESS: 0x0005, // RFC 3489, obsolete (same meaning as OTHER-ADDRESS)
  USERNAME: 0x0006,
  MESSAGE_INTEGRITY: 0x0008,
  ERROR_CODE: 0x0009,
  UNKNOWN_ATTRIBUTES: 0x000a,
  REALM: 0x0014,
  NONCE: 0x0015,
  XOR_MAPPED_ADDRESS: 0x0020,
  PADDING: 0x0026, // RFC 5780 §7.6
  RESPONSE_PORT: 0x0027, // RFC 5780 §7.5
  SOFTWARE: 0x8022,
  ALTERNATE_SERVER: 0x8023,
  FINGERPRINT: 0x8028,
  RESPONSE_ORIGIN: 0x802b, // RFC 5780 §7.3
  OTHER_ADDRESS: 0x802c, // RFC 5780 §7.4
  // SIP Ladder reflector's return-routability cookie (16 bytes), in the comprehension-optional
  // range 0x8000-0xFFFF (RFC 8489 §14, §18.3.1), so other clients and servers ignore it.
  SIPLADDER_COOKIE: 0xc05c,
} as const;

/** Length of the SIPLADDER-COOKIE value. */
export const SIPLADDER_COOKIE_BYTES = 16;

/** CHANGE-REQUEST flags (RFC 5780 §7.2). */
export const CHANGE_IP = 0x04;
export const CHANGE_PORT = 0x02;

export interface StunAttribute {
  type: number;
  value: Uint8Array;
}

export interface StunMessage {
  cls: StunClass;
  method: number;
  transactionId: Uint8Array; // 12 bytes
  attributes: StunAttribute[];
}

export interface TransportAddress {
  family: 'IPv4' | 'IPv6';
  address: string;
  port: number;
}
