// Pseudonymisation for bundles: user names, phone numbers, domains and IPv4 addresses are replaced
// by stable stand-ins of the same length everywhere (results, findings, every traced message), so
// Content-Length stays right and the ladder stays readable. Passwords never enter results at all;
// digest responses are already masked by the trace recorder.
import { fromBase64, fromUtf8Strict, toBase64, utf8 } from '../hash/utf8.js';
import type { CheckResult } from '../model/results.js';

export interface PseudonymOptions {
  users: boolean;
  domains: boolean;
  addresses: boolean;
}

export interface Replacement {
  kind: 'user' | 'phone' | 'domain' | 'address';
  original: string;
  pseudonym: string;
}

const IPV4 = /\b(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\b/g;
const PHONE_IN_URI = /(?:sips?|tel):(\+?\d{6,15})\b/g;
const KEEP = new Set(['127.0.0.1', '0.0.0.0']);

/** A same-length stand-in for an IPv4 address: each octet keeps its number of digits. */
function addressPseudonym(original: string, n: number): string {
  const ranges: Record<number, [number, number]> = { 1: [0, 10], 2: [10, 90], 3: [100, 100] };
  const out: number[] = [];
  let rest = n;
  for (const octet of original.split('.').reverse()) {
    const [min, size] = ranges[octet.length]!;
    out.unshift(min + (rest % size));
    rest = Math.floor(rest / size);
  }
  return out.join('.');
}

function wordPseudonym(prefix: string, original: string, n: number, suffix = ''): string {
  const core = `${prefix}${n}`;
  if (original.length < core.length + suffix.length) return core.slice(0, original.length).padEnd(original.length, 'x');
  return core.padEnd(original.length - suffix.length, 'x') + suffix;
}

function collect(result: CheckResult, o: PseudonymOptions): Replacement[] {
  const texts: string[] = [JSON.stringify({ ...result, trace: result.trace.map((e) => ({ ...e, bytes: undefined })) })];
  for (const e of result.trace) {
    const t = e.bytes ? fromUtf8Strict(fromBase64(e.bytes)) : null;
    if (t) texts.push(t);
  }
  const all = texts.join('\n');
  const list: Replacement[] = [];
  const add = (kind: Replacement['kind'], original: string, make: (n: number) => string): void => {
    if (!original || list.some((r) => r.original === original)) return;
    list.push({ kind, original, pseudonym: make(list.filter((r) => r.kind === kind).length + 1) });
  };
  if (o.users) {
    for (const u of [result.account.user, result.account.authUser]) {
      if (/^\+?\d{6,15}$/.test(u)) add('phone', u, (n) => u.replace(/\d/g, (_d, i: number) => String((n + i) % 10)));
      else add('user', u, (n) => wordPseudonym('user', u, n));
    }
    for (const m of all.matchAll(PHONE_IN_URI)) add('phone', m[1]!, (n) => m[1]!.replace(/\d/g, (_d, i: number) => String((n * 7 + i) % 10)));
  }
  if (o.domains) {
    for (const d of [result.account.domain, result.account.server, ...result.attempts.map((a) => a.target.host)]) {
      if (d && !/^[\d.]+$/.test(d) && !d.includes(':') && d !== 'localhost') add('domain', d, (n) => wordPseudonym('domain', d, n, d.length >= 12 ? '.test' : ''));
    }
  }
  if (o.addresses) {
    for (const m of all.matchAll(IPV4)) if (!KEEP.has(m[0])) add('address', m[0], (n) => addressPseudonym(m[0], n));
  }
  // Longest first, so "alice2" is replaced before "alice".
  return list.sort((a, b) => b.original.length - a.original.length);
}

function apply(text: string, list: Replacement[]): string {
  let out = text;
  for (const r of list) {
    out = r.kind === 'address'
      ? out.replace(new RegExp(`(?<![\\d.])${r.original.replace(/\./g, '\\.')}(?![\\d])`, 'g'), r.pseudonym)
      : out.split(r.original).join(r.pseudonym);
  }
  return out;
}

/** The pseudonymised copy of a result, and the table of what was replaced (the preview). */
export function pseudonymise(result: CheckResult, o: PseudonymOptions): { result: CheckResult; replacements: Replacement[] } {
  const list = collect(result, o);
  if (!list.length) return { result, replacements: [] };
  const trace = result.trace.map((e) => {
    if (!e.bytes) return e;
    const text = fromUtf8Strict(fromBase64(e.bytes));
    // Binary payloads (STUN) carry addresses as bytes; rather than guess, they are left out.
    if (text === null) return { ...e, bytes: undefined, note: `${e.note ? e.note + '; ' : ''}binary payload removed (pseudonymised bundle)` };
    return { ...e, bytes: toBase64(utf8(apply(text, list))) };
  });
  const rest = JSON.parse(apply(JSON.stringify({ ...result, trace: [] }), list)) as CheckResult;
  return { result: { ...rest, trace: trace.map((e) => ({ ...e, ...(e.note ? { note: apply(e.note, list) } : {}), ...(e.local ? { local: { ...e.local, address: apply(e.local.address, list) } } : {}), ...(e.remote ? { remote: { ...e.remote, address: apply(e.remote.address, list) } } : {}) })) }, replacements: list };
}
