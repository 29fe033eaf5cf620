// Parser step 3, interpret (RFC 3261 §20): the structured headers a diagnosis reads (Via, From,
// To, Call-ID, CSeq, Contact, Content-Length, authentication), and the rules a readable message
// can still break.
import { parseAuthParams, parseCSeq, parseNameAddr, parseVia, topLevelEnd, type AuthParams, type NameAddr, type Parsed, type Via } from './header-values.js';
import type { AuthChallenge, ParseError, ParseResult, SipMessage } from './message.js';
import { byteAt, fail, type Head, type StartLine } from './parse-locate.js';
import { valueOffsetInHead, type Fields } from './parse-split.js';
import { parseUri } from './uri.js';

/** The message from its located head and split fields: structured headers, the rules it breaks, its body. */
export function interpret(raw: Uint8Array, head: Head, startLine: StartLine, fields: Fields): ParseResult {
  const content = interpretFields(fields, head);
  if ('reason' in content) return { ok: false, error: content };
  // Rules a readable message can still break (RFC 3261 §8.1.1, §20; RFC 4475 §3.1.2, §3.3): the
  // message is returned with the error, for display, so that importers can still show it.
  const violation = startLine.kind === 'request' ? requestViolation(startLine, fields, content, head) : content.violation;
  let body = raw.subarray(head.bodyStart);
  const warnings: string[] = [];
  const { contentLength } = content;
  if (contentLength !== undefined) {
    if (body.length < contentLength) return fail(`body is ${body.length} bytes but Content-Length says ${contentLength} (message truncated)`, raw.length);
    if (body.length > contentLength) {
      // RFC 3261 §18.3: bytes beyond Content-Length in a datagram are discarded.
      warnings.push(`${body.length - contentLength} bytes after the Content-Length body were ignored`);
      body = body.subarray(0, contentLength);
    }
  }
  const { headers } = fields;
  const { via, from, to, callId, cseq, contact, challenges, credentials } = content;
  // Two literal shapes (no spread): keeps object construction on the fast path.
  const message: SipMessage =
    startLine.kind === 'request'
      ? {
          kind: 'request',
          method: startLine.method,
          requestUri: startLine.requestUri,
          version: startLine.version,
          headers,
          via,
          from,
          to,
          callId,
          cseq,
          contact,
          contentLength,
          challenges,
          credentials,
          body,
          raw,
        }
      : {
          kind: 'response',
          status: startLine.status,
          reason: startLine.reason,
          version: startLine.version,
          headers,
          via,
          from,
          to,
          callId,
          cseq,
          contact,
          contentLength,
          challenges,
          credentials,
          body,
          raw,
        };
  return violation ? { ok: false, error: violation, message } : { ok: true, message, warnings };
}

/** The first rule a readable request breaks, in message order: Request-URI, repeated fields, CSeq method. */
function requestViolation(line: StartLine & { kind: 'request' }, f: Fields, c: Content, head: Head): ParseError | undefined {
  const uri = parseUri(line.requestUri);
  if (!uri.ok) return { reason: `Request-URI is not a URI: ${uri.error} (RFC 3261 §7.1, §25.1)`, offset: byteAt(head, line.uriAt + uri.offset) };
  if (c.violation || !c.cseq || c.cseq.method === line.method) return c.violation;
  const h = f.headers.findIndex((x) => x.key === 'cseq');
  return {
    reason: `CSeq method "${c.cseq.method.slice(0, 20)}" does not match the request method "${line.method.slice(0, 20)}" (RFC 3261 §8.1.1.5)`,
    offset: byteAt(head, valueOffsetInHead(f, h, Math.max(0, f.headers[h]!.value.length - c.cseq.method.length))),
  };
}

interface Content {
  via: Via[];
  from?: NameAddr;
  to?: NameAddr;
  callId?: string;
  cseq?: { seq: number; method: string };
  contact: NameAddr[] | '*';
  contentLength?: number;
  challenges: AuthChallenge[];
  credentials: AuthParams[];
  /** The first rule broken by a readable message (here: a single-value header given twice). */
  violation?: ParseError;
}

/** Every field present from the start: one object shape whatever the header order (a stable hidden class on this hot path). */
function emptyContent(): Content {
  return {
    via: [],
    from: undefined,
    to: undefined,
    callId: undefined,
    cseq: undefined,
    contact: [],
    contentLength: undefined,
    challenges: [],
    credentials: [],
    violation: undefined,
  };
}

/** The structured headers (RFC 3261 §20), or the first value that cannot be read. */
function interpretFields(f: Fields, head: Head): Content | ParseError {
  const c = emptyContent();
  const contact: NameAddr[] = [];
  let star = false;
  let maxForwards = false;
  for (let h = 0; h < f.headers.length; h++) {
    const { key, value } = f.headers[h]!;
    switch (key) {
      case 'via': {
        const e = parseList(value, parseVia, c.via);
        if (e) return valueError(f, head, h, e.error, e.offset);
        break;
      }
      case 'from':
      case 'to': {
        const r = parseNameAddr(value);
        if (!r.ok) return valueError(f, head, h, r.error, r.offset);
        if (key === 'from' ? c.from : c.to) c.violation ??= duplicate(f, h, head);
        // Named stores, not c[key]: a keyed store is slower on this hot path.
        if (key === 'from') c.from = r.value;
        else c.to = r.value;
        break;
      }
      case 'contact': {
        if (value === '*') {
          star = true;
          break;
        }
        const e = parseList(value, parseNameAddr, contact);
        if (e) return valueError(f, head, h, e.error, e.offset);
        break;
      }
      case 'call-id':
        if (!value) return valueError(f, head, h, 'empty Call-ID', 0);
        if (c.callId !== undefined) c.violation ??= duplicate(f, h, head);
        c.callId = value;
        break;
      case 'cseq': {
        const r = parseCSeq(value);
        if (!r.ok) return valueError(f, head, h, r.error, r.offset);
        if (c.cseq) c.violation ??= duplicate(f, h, head);
        c.cseq = r.value;
        break;
      }
      case 'max-forwards':
        if (maxForwards) c.violation ??= duplicate(f, h, head);
        maxForwards = true;
        break;
      case 'content-length':
        if (!/^\d{1,9}$/.test(value)) return valueError(f, head, h, `invalid Content-Length "${value.slice(0, 20)}"`, 0);
        if (c.contentLength !== undefined) c.violation ??= duplicate(f, h, head);
        c.contentLength = Number(value);
        break;
      case 'www-authenticate':
      case 'proxy-authenticate':
      case 'authorization':
      case 'proxy-authorization': {
        // These are the headers RFC 3261 §7.3.1 exempts from comma-combining: one value per line.
        const r = parseAuthParams(value);
        if (!r.ok) return valueError(f, head, h, r.error, r.offset);
        if (key.endsWith('authenticate')) c.challenges.push({ header: key as AuthChallenge['header'], ...r.value });
        else c.credentials.push(r.value);
        break;
      }
    }
  }
  c.contact = star ? '*' : contact;
  return c;
}

/** Error inside the value of header h, `off` characters into its (unfolded) value. */
function valueError(f: Fields, head: Head, h: number, what: string, off: number): ParseError {
  return { reason: `${f.headers[h]!.name}: ${what}`, offset: byteAt(head, valueOffsetInHead(f, h, off)) };
}

/** RFC 3261 §7.3.1: a second To, From, Call-ID, CSeq, Max-Forwards or Content-Length is ambiguous (RFC 4475 §3.3.8, §3.3.9). */
function duplicate(f: Fields, h: number, head: Head): ParseError {
  // The line starts after the last LF before the value: found on error only, not kept per header.
  return {
    reason: `second "${f.headers[h]!.name}" header field: it allows a single value (RFC 3261 §7.3.1, §20)`,
    offset: byteAt(head, head.text.lastIndexOf('\n', f.valueAt[h]!) + 1),
  };
}

/**
 * Parses a header value that may hold several comma-separated entries (RFC 3261 §7.3.1),
 * appending each to `into`. Most lines hold one entry, so the split is skipped without a comma.
 */
function parseList<T>(value: string, parse: (s: string) => Parsed<T>, into: T[]): { error: string; offset: number } | null {
  if (value.indexOf(',') < 0) {
    const r = parse(value);
    if (!r.ok) return r;
    into.push(r.value);
    return null;
  }
  for (let s = 0; s <= value.length;) {
    const e = topLevelEnd(value, s);
    const r = parse(value.slice(s, e));
    if (!r.ok) return { error: r.error, offset: s + r.offset };
    into.push(r.value);
    s = e + 1;
  }
  return null;
}
