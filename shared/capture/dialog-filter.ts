// Filtering and sorting the dialog list of a capture, sngrep-style: `status:4xx ua:Jitsi` keeps
// dialogs whose final status is 4xx and whose user agent contains "Jitsi"; words without a key
// match any field. Pure, so the app and the tests use the same rules.
import type { DialogFacts } from './dialogs.js';

export type SortKey = 'start' | 'client' | 'user' | 'agent' | 'method' | 'status' | 'messages';
export interface DialogRow extends DialogFacts {
  /** Milliseconds since the capture's start. */
  startMs: number;
}

/** Filter keys and the fields they search (case-insensitive substring unless said otherwise). */
const FIELDS: Record<string, (d: DialogRow) => string> = {
  ip: (d) => `${d.client.address}:${d.client.port} ${d.server.address}:${d.server.port}`,
  user: (d) => d.user,
  callid: (d) => d.callId,
  method: (d) => d.method,
  ua: (d) => d.agent,
  kind: (d) => d.kind,
};
const ALIASES: Record<string, string> = { addr: 'ip', address: 'ip', agent: 'ua', 'call-id': 'callid' };

export interface ParsedFilter {
  /** Every term must match. */
  terms: Array<(d: DialogRow) => boolean>;
  /** Keys that are not known (shown to the user, ignored). */
  unknown: string[];
}

/** `status:4xx`, `status:401`, `status:none` (no final answer). */
function statusTerm(value: string): (d: DialogRow) => boolean {
  if (value === 'none') return (d) => d.status === undefined;
  const pattern = new RegExp(`^${value.replace(/x/gi, '\\d')}$`);
  return (d) => d.status !== undefined && pattern.test(String(d.status));
}

/** `affectedBy(id)`: the exchanges a finding is about, for `finding:ID` ("show affected"). */
export function parseFilter(text: string, affectedBy: (findingId: string) => readonly number[] | undefined = () => undefined): ParsedFilter {
  const terms: ParsedFilter['terms'] = [];
  const unknown: string[] = [];
  for (const word of text.trim().split(/\s+/).filter(Boolean)) {
    const colon = word.indexOf(':');
    const rawKey = colon > 0 ? word.slice(0, colon).toLowerCase() : '';
    const key = ALIASES[rawKey] ?? rawKey;
    const value = (colon > 0 ? word.slice(colon + 1) : word).toLowerCase();
    if (key === 'status' && /^([1-6][0-9x]{2}|[1-6]xx|none)$/i.test(value)) terms.push(statusTerm(value));
    else if (key === 'finding') {
      const ids = new Set(affectedBy(value) ?? []);
      terms.push((d) => ids.has(d.attempt));
    } else if (FIELDS[key]) terms.push((d) => FIELDS[key]!(d).toLowerCase().includes(value));
    else if (/^[a-z-]+$/.test(rawKey)) unknown.push(rawKey);
    else {
      // A bare word, or an address with its port, matches any field.
      const needle = word.toLowerCase();
      terms.push((d) => String(d.status ?? '') === needle || Object.values(FIELDS).some((f) => f(d).toLowerCase().includes(needle)));
    }
  }
  return { terms, unknown };
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
