// What the server's answers give away: software and version (Server, User-Agent, Warning), and its
// inside (private addresses and internal host names in Via, Record-Route, Contact and SDP, what
// Kamailio's topoh hides). Pure: reads the traced messages of an audit.
import { fromUtf8 } from '../hash/utf8.js';
import { isPrivateAddress } from '../diagnosis/rules-alg-passive.js';
import type { DiagnosisContext } from '../diagnosis/types.js';
import type { TraceEvent } from '../model/trace.js';
import type { SipMessage } from '../sip/message.js';

export interface Leak {
  /** Where: "Server", "Record-Route", "SDP c=" … */
  where: string;
  value: string;
  seq: number;
}

const IPV4 = /\b(?:\d{1,3}\.){3}\d{1,3}\b/g;
/** A version number ("5.6.3", "18.9", "v1.10"); addresses are removed first so they do not count. */
const VERSION = /\bv?\d+\.\d+(?:\.\d+)*\b/;
/** Names only a network inside uses (RFC 6762 .local, RFC 8375 home.arpa, and the usual private suffixes). */
const INTERNAL_NAME = /\.(?:local|lan|internal|intranet|corp|home|localdomain|home\.arpa)\.?$/i;

function received(ctx: DiagnosisContext): Array<{ event: TraceEvent; message: SipMessage }> {
  return ctx.result.attempts.flatMap((a) => ctx.messages(a.id)).filter((m) => m.event.kind === 'received' && m.message.kind === 'response');
}

/** Server / User-Agent / Warning texts that name a version (the warn-agent of a Warning is an address, not a version). */
export function versionLeaks(ctx: DiagnosisContext): Leak[] {
  const leaks: Leak[] = [];
  const seen = new Set<string>();
  for (const { event, message } of received(ctx)) {
    for (const h of message.headers) {
      if (h.key !== 'server' && h.key !== 'user-agent' && h.key !== 'warning') continue;
      const text = h.key === 'warning' ? (/"(.*)"/.exec(h.value)?.[1] ?? '') : h.value;
      if (!VERSION.test(text.replace(IPV4, '')) || seen.has(`${h.key}|${h.value}`)) continue;
      seen.add(`${h.key}|${h.value}`);
      leaks.push({ where: h.name, value: h.value, seq: event.seq });
    }
  }
  return leaks;
}

/** Host of a SIP URI or of a Via sent-by. */
const hostsIn = (text: string): string[] =>
  [...text.matchAll(/(?:sips?:(?:[^@;>\s]*@)?|SIP\/2\.0\/[A-Z]+\s+)(\[[^\]]+\]|[^:;>\s,]+)/gi)].map((m) => m[1]!.replace(/^\[|\]$/g, ''));

const isInternal = (host: string): boolean =>
  isPrivateAddress(host) || INTERNAL_NAME.test(host) || (!host.includes('.') && !host.includes(':') && /^[a-z][\w-]*$/i.test(host));

/** Addresses and names in the server's answers that point inside its network; what we sent ourselves is not a leak. */
export function topologyLeaks(ctx: DiagnosisContext): Leak[] {
  const ours = new Set<string>();
  for (const a of ctx.result.attempts) {
    if (a.localAddress) ours.add(a.localAddress);
    for (const { event, message } of ctx.messages(a.id))
      if (event.kind === 'sent') for (const h of message.headers) hostsIn(`${h.value}`).forEach((x) => ours.add(x.toLowerCase()));
  }
  const leaks: Leak[] = [];
  const seen = new Set<string>();
  const add = (where: string, host: string, seq: number): void => {
    if (!isInternal(host) || ours.has(host.toLowerCase()) || seen.has(`${where}|${host}`)) return;
    seen.add(`${where}|${host}`);
    leaks.push({ where, value: host, seq });
  };
  for (const { event, message } of received(ctx)) {
    // The top Via is ours, sent back with received/rport: only Vias below it came from the server's side.
    message.headers
      .filter((h) => h.key === 'via')
      .slice(1)
      .forEach((h) => hostsIn(h.value).forEach((x) => add('Via', x, event.seq)));
    for (const h of message.headers) if (h.key === 'record-route' || h.key === 'contact') hostsIn(h.value).forEach((x) => add(h.name, x, event.seq));
    if (message.body.length) for (const m of fromUtf8(message.body).matchAll(/^([co])=(?:.* )?IN IP[46] (\S+)\s*$/gm)) add(`SDP ${m[1]}=`, m[2]!, event.seq);
  }
  return leaks;
}
