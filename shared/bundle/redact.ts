// Pseudonymisation for bundles. What the checkboxes promise holds for every file of the bundle:
// "user names and phone numbers" (URI users, digest user names, display names, device instance
// ids), "domains" (every host name, realm, certificate names and issuer, Server/User-Agent
// software) and "IP addresses" (IPv4 and IPv6, in text and in the structured fields the pcapng
// headers are built from). Values are found in any letter case and %-encoded, and replaced by
// stable stand-ins of the same length, so Content-Length stays right and the ladder stays
// readable. Passwords never enter results at all; digest responses are already masked by the
// trace recorder.
import { fromBase64, fromUtf8Strict, toBase64, utf8 } from '../hash/utf8.js';
import type { CheckResult } from '../model/results.js';
import { findInFields, findInMessage, findInText, IPV4, IPV6_CANDIDATE, isOwnValue, KEPT_ADDRESSES, type Found, type IdentifierKind } from './identifiers.js';
import { CheckResultSchema, TraceEventSchema } from './results-schema.js';
import { digitsStandIn, hexStandIn, ipv4StandIn, wordStandIn } from './standins.js';

export interface PseudonymOptions {
  users: boolean;
  domains: boolean;
  addresses: boolean;
}

export interface Replacement {
  kind: IdentifierKind;
  original: string;
  pseudonym: string;
}

const OPTION_OF: Record<IdentifierKind, keyof PseudonymOptions> = {
  user: 'users',
  phone: 'users',
  name: 'users',
  device: 'users',
  domain: 'domains',
  software: 'domains',
  certificate: 'domains',
  address: 'addresses',
};

const STAND_IN: Record<IdentifierKind, (original: string, n: number) => string> = {
  user: (o, n) => wordStandIn('user', o, n),
  phone: digitsStandIn,
  name: (o, n) => wordStandIn('Name', o, n),
  device: hexStandIn,
  domain: (o, n) => wordStandIn('domain', o, n, o.length >= 12 ? '.test' : ''),
  software: (o, n) => wordStandIn('software', o, n),
  certificate: (o, n) => wordStandIn('cert', o, n),
  address: addressStandIn,
};

/** IPv4 keeps its octet widths; IPv6 its groups, and an embedded dotted IPv4 tail gets an IPv4 stand-in. */
function addressStandIn(original: string, n: number): string {
  if (!original.includes(':')) return ipv4StandIn(original, n);
  const tail = /(?:\d{1,3}\.){3}\d{1,3}$/.exec(original)?.[0];
  return tail ? hexStandIn(original.slice(0, -tail.length), n) + ipv4StandIn(tail, n) : hexStandIn(original, n);
}

/** Stand-ins that would equal an original (or each other) are skipped; this bounds the search. */
const MAX_STAND_IN_TRIES = 10_000;
/** Protocol words a user or domain may happen to equal: only their exact spelling is replaced there. */
const PROTOCOL_WORDS = new Set([
  'sip',
  'sips',
  'tel',
  'udp',
  'tcp',
  'tls',
  'ws',
  'wss',
  'register',
  'options',
  'invite',
  'ack',
  'bye',
  'cancel',
  'via',
  'to',
  'from',
  'contact',
  'expires',
  'user',
  'phone',
  'transport',
  'lr',
  'rport',
  'branch',
  'received',
  'tag',
  'digest',
  'realm',
  'nonce',
  'response',
  'uri',
  'in',
  'ip4',
  'ip6',
]);

/** Every identifier in the results and the traced messages, once per value (ignoring letter case). */
function collect(result: CheckResult, o: PseudonymOptions): Found[] {
  const found: Found[] = [];
  findInFields(result, found);
  walkStrings({ ...result, trace: result.trace.map((e) => ({ ...e, bytes: undefined })) }, (s) => (findInText(s, found), s), CheckResultSchema as SchemaNode);
  for (const e of result.trace) {
    const text = e.bytes ? fromUtf8Strict(fromBase64(e.bytes)) : null;
    if (text) findInMessage(text, found);
  }
  const seen = new Set<string>();
  return found.filter((f) => {
    const key = f.value.toLowerCase();
    if (!o[OPTION_OF[f.kind]] || !f.value.trim() || KEPT_ADDRESSES.has(key) || isOwnValue(key) || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function standIns(found: Found[]): Replacement[] {
  const taken = new Set(found.map((f) => f.value.toLowerCase()));
  const counters = new Map<IdentifierKind, number>();
  return found.map((f) => {
    let pseudonym = f.value;
    for (let i = 0; i < MAX_STAND_IN_TRIES && taken.has(pseudonym.toLowerCase()); i++) {
      const n = (counters.get(f.kind) ?? 0) + 1;
      counters.set(f.kind, n);
      pseudonym = STAND_IN[f.kind](f.value, n);
    }
    // Every try collided (very short values): anything but the original itself.
    if (pseudonym.toLowerCase() === f.value.toLowerCase()) pseudonym = f.value.replace(/[^.:]/g, f.kind === 'address' ? '0' : 'x');
    taken.add(pseudonym.toLowerCase());
    return { kind: f.kind, original: f.value, pseudonym };
  });
}

const escapeRe = (c: string): string => c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
/** A character in either letter case (the pattern runs without the i flag, so protocol words can stay exact). */
const anyCase = (c: string): string => (c.toLowerCase() !== c.toUpperCase() ? `[${c.toLowerCase()}${c.toUpperCase()}]` : escapeRe(c));

/** A pattern for a value (not an address) in any letter case, each character also as its %-escape (RFC 3986 §2.1). */
function variants(value: string, kind: IdentifierKind): string {
  const exactOnly = PROTOCOL_WORDS.has(value.toLowerCase());
  const chars = [...value]
    .map((c) => {
      const code = c.codePointAt(0)!;
      if (exactOnly) return escapeRe(c);
      if (code > 0x7f) return anyCase(c);
      return `(?:${anyCase(c)}|%${[...code.toString(16).padStart(2, '0')].map(anyCase).join('')})`;
    })
    .join('');
  const edge = kind === 'phone' ? ['(?<!\\d)', '(?!\\d)'] : ['(?<=^|[^A-Za-z0-9]|%[0-9A-Fa-f]{2})', '(?![A-Za-z0-9])'];
  return `${edge[0]}${chars}${edge[1]}`;
}

/** Alternatives per pattern: one pattern for thousands of values would exceed what a RegExp may hold. */
const ALTERNATIVES_PER_PATTERN = 200;
/** Addresses as the scan in identifiers.ts finds them: IPv6 (with a dotted tail) first, then IPv4. */
const ADDRESS = new RegExp(`${IPV6_CANDIDATE.source}|${IPV4.source}`, 'g');

/** Replaces the values of one pattern's worth of replacements (longest first, so "alice2" wins over "alice"). */
function wordPass(chunk: Replacement[]): (text: string) => string {
  // Most positions start no replacement: a first-character test rejects them before any lookbehind runs.
  const firsts = new Set(chunk.flatMap((r) => [r.original[0]!.toLowerCase(), r.original[0]!.toUpperCase(), '%']));
  const re = new RegExp(`(?=[${[...firsts].map(escapeRe).join('')}])(?:${chunk.map((r) => `(${variants(r.original, r.kind)})`).join('|')})`, 'g');
  // A %-encoded spelling is longer than the original: the stand-in, padded to it, keeps offsets.
  return (text) =>
    text.replace(re, (match: string, ...groups: unknown[]) => chunk[groups.findIndex((g) => g !== undefined)]!.pseudonym.padEnd(match.length, 'x'));
}

/**
 * All replacements applied to a text: names, users, domains … by patterns (any case, %-encoded),
 * longest values first; addresses, which can be many, by one scan and a lookup.
 */
function replacer(list: Replacement[]): (text: string) => string {
  const words = list.filter((r) => r.kind !== 'address').sort((a, b) => b.original.length - a.original.length);
  const passes = Array.from({ length: Math.ceil(words.length / ALTERNATIVES_PER_PATTERN) }, (_, i) =>
    wordPass(words.slice(i * ALTERNATIVES_PER_PATTERN, (i + 1) * ALTERNATIVES_PER_PATTERN)),
  );
  const addresses = new Map(list.filter((r) => r.kind === 'address').map((r) => [r.original.toLowerCase(), r.pseudonym]));
  const address = (found: string): string => addresses.get(found.toLowerCase()) ?? found.replace(IPV4, (v4) => addresses.get(v4) ?? v4);
  return (text) => {
    const replaced = passes.reduce((t, pass) => pass(t), text);
    return addresses.size ? replaced.replace(ADDRESS, address) : replaced;
  };
}

/** The parts of a valibot schema the walk below reads. */
interface SchemaNode {
  type: string;
  entries?: Record<string, SchemaNode>;
  item?: SchemaNode;
  wrapped?: SchemaNode;
}

/**
 * A copy of a JSON-like value with `fn` applied to every string the schema calls free text:
 * enumerated and literal fields (outcome, transport, tool name …) stay as they are, even when a
 * user name happens to equal one. Parts the schema does not describe get `fn` on every string.
 */
function walkStrings<T>(value: T, fn: (s: string) => string, schema?: SchemaNode): T {
  const node = schema?.type === 'optional' ? schema.wrapped : schema;
  if (node?.type === 'picklist' || node?.type === 'literal') return value;
  if (typeof value === 'string') return fn(value) as T;
  if (Array.isArray(value)) return value.map((v) => walkStrings(v, fn, node?.item)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walkStrings(v, fn, node?.entries?.[k])])) as T;
  return value;
}

/** The pseudonymised copy of a result, and the table of what was replaced (the preview). */
export function pseudonymise(result: CheckResult, o: PseudonymOptions): { result: CheckResult; replacements: Replacement[] } {
  const replacements = standIns(collect(result, o));
  if (!replacements.length) return { result, replacements };
  const replace = replacer(replacements);
  const trace = result.trace.map(({ bytes, ...fields }) => {
    const rest = walkStrings(fields, replace, TraceEventSchema as SchemaNode);
    if (!bytes) return rest;
    const text = fromUtf8Strict(fromBase64(bytes));
    // Binary payloads (STUN) carry addresses as bytes; rather than guess, they are left out.
    if (text === null) return { ...rest, note: `${rest.note ? rest.note + '; ' : ''}binary payload removed (pseudonymised bundle)` };
    return { ...rest, bytes: toBase64(utf8(replace(text))) };
  });
  return { result: { ...walkStrings({ ...result, trace: [] }, replace, CheckResultSchema as SchemaNode), trace }, replacements };
}
