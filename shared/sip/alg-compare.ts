// Compares a request as sent with the same request as the reflector received it, to spot a SIP
// ALG rewriting it on the way (RFC 3261 has no such role; RFC 6314 §3.2 describes the harm).
// received/rport added by a server to a response Via are normal (RFC 3581) and not compared here.
import type { AlgDifference } from '../model/path-results.js';
import type { SipMessage } from './message.js';
import { fromUtf8 } from '../hash/utf8.js';

const SDP_LINES = ['c=', 'o=', 'm='];

function sdpLines(body: Uint8Array): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of fromUtf8(body).split(/\r?\n/)) {
    const key = SDP_LINES.find((k) => line.startsWith(k));
    if (key) out.set(key, [...(out.get(key) ?? []), line]);
  }
  return out;
}

export function compareRequest(sent: SipMessage, seen: SipMessage): AlgDifference[] {
  const diffs: AlgDifference[] = [];
  const add = (what: string, a?: string, b?: string): void => void diffs.push({ what, sent: a, seen: b, direction: 'request' });
  const sentVia = sent.via[0];
  const seenVia = seen.via[0];
  const sentBy = (v?: { host: string; port?: number }): string => (v ? `${v.host}${v.port !== undefined ? ':' + v.port : ''}` : '');
  if (sentBy(sentVia) !== sentBy(seenVia)) add('Via sent-by', sentBy(sentVia), sentBy(seenVia));
  const contacts = (m: SipMessage): string => (m.contact === '*' ? '*' : m.contact.map((c) => c.uri.raw).join(', '));
  if (contacts(sent) !== contacts(seen)) add('Contact', contacts(sent), contacts(seen));
  if ((sent.contentLength ?? 0) !== (seen.contentLength ?? 0)) add('Content-Length', String(sent.contentLength ?? 0), String(seen.contentLength ?? 0));
  const a = sdpLines(sent.body);
  const b = sdpLines(seen.body);
  for (const key of SDP_LINES) {
    const x = (a.get(key) ?? []).join(' | ');
    const y = (b.get(key) ?? []).join(' | ');
    if (x !== y) add(`SDP ${key}`, x, y);
  }
  const names = (m: SipMessage): string[] => m.headers.map((h) => h.key);
  const sentNames = new Set(names(sent));
  const seenNames = new Set(names(seen));
  for (const n of seenNames) if (!sentNames.has(n)) add(`header added: ${n}`, undefined, seen.headers.find((h) => h.key === n)?.value);
  for (const n of sentNames) if (!seenNames.has(n)) add(`header removed: ${n}`, sent.headers.find((h) => h.key === n)?.value, undefined);
  if (diffs.length === 0 && (sent.raw.length !== seen.raw.length || sent.raw.some((v, i) => v !== seen.raw[i])))
    add('bytes differ (whitespace or header order)');
  return diffs;
}
