// Serializer (RFC 3261 §7): start line, headers in the given order, CRLF, body.
// Content-Length is always computed from the body so a message can never lie about its size.
import { utf8 } from '../hash/utf8.js';
import type { SipMessage } from './message.js';

export interface OutgoingMessage {
  startLine: string;
  /** [name, value] pairs in wire order; any Content-Length here is replaced. */
  headers: ReadonlyArray<readonly [string, string]>;
  body?: Uint8Array | string;
}

export function serialize(out: OutgoingMessage): Uint8Array {
  const body = out.body === undefined ? new Uint8Array(0) : typeof out.body === 'string' ? utf8(out.body) : out.body;
  let head = out.startLine + '\r\n';
  for (const [name, value] of out.headers) {
    if (name.toLowerCase() === 'content-length' || name.toLowerCase() === 'l') continue;
    head += `${name}: ${value}\r\n`;
  }
  head += `Content-Length: ${body.length}\r\n\r\n`;
  const headBytes = utf8(head);
  const bytes = new Uint8Array(headBytes.length + body.length);
  bytes.set(headBytes);
  bytes.set(body, headBytes.length);
  return bytes;
}

export function startLineOf(msg: SipMessage): string {
  return msg.kind === 'request' ? `${msg.method} ${msg.requestUri} ${msg.version}` : `${msg.version} ${msg.status} ${msg.reason}`;
}

/** Re-serializes a parsed message (headers as parsed, folding undone). */
export function serializeMessage(msg: SipMessage): Uint8Array {
  return serialize({ startLine: startLineOf(msg), headers: msg.headers.map((h) => [h.name, h.value] as const), body: msg.body });
}
