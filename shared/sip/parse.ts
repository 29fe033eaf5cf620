// SIP message parser (RFC 3261 §7, §20, §25). Never throws: every input gives a message or a
// precise error with the byte offset, because hostile and broken servers are what we diagnose.
// Linear in the input for every input: each byte is visited a bounded number of times (no prefix
// re-decoding, no searches restarted from the start, no string rebuilt per folded line).
// Three steps, one file each: locate the head (parse-locate.ts), split it into fields
// (parse-split.ts), interpret the fields (parse-interpret.ts).
import { utf8 } from '../hash/utf8.js';
import type { ParseResult } from './message.js';
import { interpret } from './parse-interpret.js';
import { locate } from './parse-locate.js';
import { readFields } from './parse-split.js';

/** Parses one complete SIP message (a UDP datagram, or a frame cut by the stream framer). */
export function parseMessage(input: Uint8Array | string): ParseResult {
  const raw = typeof input === 'string' ? utf8(input) : input;
  const located = locate(raw);
  if ('ok' in located) return located;
  const fields = readFields(located.head, located.fieldsAt);
  if ('ok' in fields) return fields;
  return interpret(raw, located.head, located.startLine, fields);
}
