// Filtering and sorting the dialog list of a capture, sngrep-style: `status:4xx ua:Jitsi` keeps
// dialogs whose final status is 4xx and whose user agent contains "Jitsi"; words without a key
// match any field. Pure, so the app and the tests use the same rules.
import type { DialogFacts, DialogKind } from './dialogs.js';

export type SortKey = 'start' | 'client' | 'user' | 'agent' | 'method' | 'status' | 'messages';
export interface DialogRow extends DialogFacts {
  /** Milliseconds since the capture's start. */
  startMs: number;
}

/** Words of a filter that are used; more would only slow every keystroke (a pasted page of text froze the list). */
export const MAX_FILTER_WORDS = 12;

/** Fields a key or a bare word searches (case-insensitive substring unless a key's own rule says otherwise). */
const FIELDS: Record<string, (d: DialogRow) => string> = {
  ip: (d) => `${d.client.address}:${d.client.port} ${d.server.address}:${d.server.port}`,
  user: (d) => d.user,
  callid: (d) => d.callId,
  method: (d) => d.method,
  ua: (d) => d.agent,
  kind: (d) => d.kind,
};
const KEYS = ['status', ...Object.keys(FIELDS), 'finding'];
const ALIASES: Record<string, string> = { addr: 'ip', address: 'ip', agent: 'ua', 'call-id': 'callid', from: 'user' };
/** `kind:` takes the words people use as well as the list's own. */
const KIND_WORDS: Record<string, DialogKind> = {
  registration: 'registration',
  register: 'registration',
  reg: 'registration',
  call: 'call',
  invite: 'call',
  keepalive: 'keepalive',
  'keep-alive': 'keepalive',
  options: 'keepalive',
  other: 'other',
};

export interface ParsedFilter {
  /** Every term must match. */
  terms: Array<(d: DialogRow) => boolean>;
  /** What was not understood, in words for the user (it is left out; the rest still filters). */
  problems: string[];
}

/** Each row's searched fields, lower-cased once (typing a filter searches 25,000 rows per keystroke). */
const lowered = new WeakMap<DialogRow, string[]>();
function fieldsOf(d: DialogRow): string[] {
  let f = lowered.get(d);
  if (!f) lowered.set(d, (f = Object.values(FIELDS).map((field) => field(d).toLowerCase())));
  return f;
}

/**
 * `status:` alternatives joined by commas: 486, 4xx, 48x, 4 (a class), >=400, <300, 400-499, none
 * (no final answer). Null when one is not a status.
 */
function statusTerm(value: string): ((d: DialogRow) => boolean) | null {
  const tests: Array<(s: number | undefined) => boolean> = [];
  for (const alt of value.split(',').filter(Boolean)) {
    let m: RegExpExecArray | null;
    if (alt === 'none') tests.push((s) => s === undefined);
    else if (/^[1-6]$/.test(alt)) tests.push((s) => s !== undefined && Math.floor(s / 100) === Number(alt));
    else if (/^[1-6][0-9x]{2}$/.test(alt)) {
      const pattern = new RegExp(`^${alt.replace(/x/g, '\\d')}$`);
      tests.push((s) => s !== undefined && pattern.test(String(s)));
    } else if ((m = /^(>=|<=|>|<)(\d{3})$/.exec(alt))) {
      const op = m[1]!;
      const n = Number(m[2]);
      tests.push((s) => s !== undefined && (op === '>=' ? s >= n : op === '<=' ? s <= n : op === '>' ? s > n : s < n));
    } else if ((m = /^(\d{3})-(\d{3})$/.exec(alt))) {
      const [lo, hi] = [Number(m[1]), Number(m[2])];
      if (lo > hi) return null;
      tests.push((s) => s !== undefined && s >= lo && s <= hi);
    } else return null;
  }
  // Only commas (`status:,`) would match nothing without a word: named as not a status instead.
  return tests.length ? (d) => tests.some((t) => t(d.status)) : null;
}

/** `ip:10.0.0.7` is that address exactly, `ip:10.0.0.7:5060` that address and port, `ip:10.0.4.` or `ip:10.0.4.*` a prefix. */
function ipTerm(value: string): (d: DialogRow) => boolean {
  const ends = [(d: DialogRow) => d.client, (d: DialogRow) => d.server];
  if (value.endsWith('*') || value.endsWith('.')) {
    const prefix = value.replace(/\*$/, '');
    return (d) => ends.some((e) => e(d).address.toLowerCase().startsWith(prefix));
  }
  return (d) => ends.some((e) => e(d).address.toLowerCase() === value || `${e(d).address}:${e(d).port}`.toLowerCase() === value);
}

/** One `key:value` word: its term, or what is wrong with it. */
function keyTerm(key: string, value: string, affectedBy: (findingId: string) => readonly number[] | undefined): ((d: DialogRow) => boolean) | string {
  if (key === 'status') return statusTerm(value) ?? `status:${value} is not a status (try 486, 4xx, 5, >=400, 4xx,5xx or none)`;
  if (key === 'finding') {
    const ids = new Set(affectedBy(value) ?? []);
    return (d) => ids.has(d.attempt);
  }
  if (key === 'kind') {
    const kind = KIND_WORDS[value];
    return kind ? (d) => d.kind === kind : `kind:${value} is not a kind (registration, call, keepalive or other)`;
  }
  if (key === 'ip') return ipTerm(value);
  // A Call-ID is one exact value (RFC 3261 §20.8); `callid:abc*` for one that starts so (the ladder shows the first 16 characters).
  if (key === 'callid') return value.endsWith('*') ? (d) => d.callId.toLowerCase().startsWith(value.slice(0, -1)) : (d) => d.callId.toLowerCase() === value;
  const field = FIELDS[key]!;
  return (d) => field(d).toLowerCase().includes(value);
}

/** `affectedBy(id)`: the exchanges a finding is about, for `finding:ID` ("show affected"). */
export function parseFilter(text: string, affectedBy: (findingId: string) => readonly number[] | undefined = () => undefined): ParsedFilter {
  const terms: ParsedFilter['terms'] = [];
  const problems: string[] = [];
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words.length > MAX_FILTER_WORDS) problems.push(`only the first ${MAX_FILTER_WORDS} words are used`);
  for (const word of words.slice(0, MAX_FILTER_WORDS)) {
    const colon = word.indexOf(':');
    const rawKey = colon > 0 ? word.slice(0, colon).toLowerCase() : '';
    const key = ALIASES[rawKey] ?? rawKey;
    const value = (colon > 0 ? word.slice(colon + 1) : word).toLowerCase();
    if (KEYS.includes(key)) {
      // `status:` with nothing after it yet: still being typed.
      if (!value) continue;
      const term = keyTerm(key, value, affectedBy);
      if (typeof term === 'string') problems.push(term);
      else terms.push(term);
    } else if (/^[a-z-]+$/.test(rawKey)) problems.push(`${rawKey} is not a filter key (use ${KEYS.filter((k) => k !== 'finding').join(', ')})`);
    else {
      // A bare word, or an address with its port, matches any field.
      const needle = word.toLowerCase();
      terms.push((d) => String(d.status ?? '') === needle || fieldsOf(d).some((f) => f.includes(needle)));
    }
  }
  return { terms, problems };
}

const COMPARE: Record<SortKey, (a: DialogRow, b: DialogRow) => number> = {
  start: (a, b) => a.startMs - b.startMs,
  client: (a, b) => a.client.address.localeCompare(b.client.address) || a.client.port - b.client.port,
  user: (a, b) => a.user.localeCompare(b.user),
  agent: (a, b) => a.agent.localeCompare(b.agent),
  method: (a, b) => a.method.localeCompare(b.method),
  status: (a, b) => (a.status ?? 0) - (b.status ?? 0),
  messages: (a, b) => a.messages - b.messages,
};

/** The rows to show: filtered, failures only if asked, sorted (ties in time order). */
export function selectDialogs(rows: DialogRow[], o: { filter: ParsedFilter; failuresOnly: boolean; sort: SortKey; descending: boolean }): DialogRow[] {
  const kept = rows.filter((d) => (!o.failuresOnly || d.failed) && o.filter.terms.every((t) => t(d)));
  const cmp = COMPARE[o.sort];
  return kept.sort((a, b) => (o.descending ? cmp(b, a) : cmp(a, b)) || a.startMs - b.startMs);
}
