// Locating SIP servers (RFC 3263 §4): NAPTR → SRV → A/AAAA, recording every step.
import { promises as dnsp } from 'node:dns';
import { isIP } from 'node:net';
import type { AttemptResult, DnsStep } from '../../shared/model/results.js';
import type { Transport } from '../../shared/model/trace.js';

export interface NaptrRecord {
  order: number;
  preference: number;
  flags: string;
  service: string;
  replacement: string;
}
export interface SrvRecord {
  priority: number;
  weight: number;
  port: number;
  name: string;
}

export interface Resolver {
  naptr(name: string): Promise<NaptrRecord[]>;
  srv(name: string): Promise<SrvRecord[]>;
  /** Addresses of a host name (A then AAAA, honouring the hosts file). */
  addresses(name: string): Promise<string[]>;
}

/** Per-query deadline; the whole resolution is also bounded by the check deadline. */
export const DNS_QUERY_TIMEOUT_MS = 1500;

export function nodeResolver(): Resolver {
  const r = new dnsp.Resolver({ timeout: DNS_QUERY_TIMEOUT_MS, tries: 1 });
  return {
    naptr: (n) => r.resolveNaptr(n),
    srv: (n) => r.resolveSrv(n),
    addresses: async (n) => (await dnsp.lookup(n, { all: true, order: 'ipv4first' })).map((a) => a.address),
  };
}

/** RFC 3263 §4.1 NAPTR services, plus RFC 7118 §9 for WebSockets. */
const NAPTR_SERVICE: Record<Transport, string> = { udp: 'SIP+D2U', tcp: 'SIP+D2T', tls: 'SIPS+D2T', ws: 'SIP+D2W', wss: 'SIPS+D2W' };
/** RFC 3263 §4.2 SRV fallbacks when there is no NAPTR (none is defined for WebSockets). */
const SRV_PREFIX: Partial<Record<Transport, string>> = { udp: '_sip._udp.', tcp: '_sip._tcp.', tls: '_sips._tcp.' };
export const DEFAULT_PORTS: Record<Transport, number> = { udp: 5060, tcp: 5060, tls: 5061, ws: 80, wss: 443 };
/** Targets probed per transport when SRV lists several servers. */
export const MAX_TARGETS_PER_TRANSPORT = 2;

export interface Target {
  host: string;
  address: string;
  port: number;
}

/** The attempt of a transport whose server name gave no address: nothing was sent. */
export function unresolvedAttempt(a: { id: number; label: string; transport: Transport; target: Target; detail: string }): AttemptResult {
  return {
    ...a,
    sourcePortMode: 'ephemeral',
    rport: true,
    outcome: 'dns-failure',
    durationMs: 0,
    startedAt: 0,
    requestsSent: 0,
    retransmissions: 0,
    responsesFromElsewhere: [],
    traceSeqs: [],
  };
}

export interface Resolution {
  targets: Partial<Record<Transport, Target[]>>;
  /** Why a transport has no target. */
  errors: Partial<Record<Transport, string>>;
  steps: DnsStep[];
}

export interface ResolveInput {
  server: string;
  /** Explicit per-transport ports; a port given by the user disables SRV (RFC 3263 §4.2). */
  ports: Partial<Record<Transport, number>>;
  transports: Transport[];
  resolver: Resolver;
  now: () => number;
  onStep?: (s: DnsStep) => void;
}

/** A failed lookup: its code as data (rules read it) and the words a user reads. */
function lookupError(e: unknown): { code: string; text: string } {
  const err = e as NodeJS.ErrnoException;
  const meaning: Record<string, string> = {
    ENOTFOUND: 'name does not exist (NXDOMAIN)',
    ENODATA: 'no records of that type',
    ETIMEOUT: 'DNS server did not answer',
    ECONNREFUSED: 'DNS server refused the query',
    ESERVFAIL: 'DNS server failure (SERVFAIL)',
    EREFUSED: 'DNS query refused',
  };
  return err.code ? { code: err.code, text: `${err.code}: ${meaning[err.code] ?? err.message}` } : { code: 'unknown', text: String(err.message ?? e) };
}

/** A resolution step as a trace event (what `check` and the audit record for every lookup). */
export function dnsTraceEvent(s: DnsStep): { attempt: 0; kind: 'dns'; note: string; dnsError?: string } {
  const note = `${s.type} ${s.query}: ${s.error ?? (s.answers.join(', ') || 'no records')}`;
  return { attempt: 0, kind: 'dns', note, ...(s.code ? { dnsError: s.code } : {}) };
}

type Query = <T>(type: DnsStep['type'], name: string, run: () => Promise<T[]>, show: (r: T) => string) => Promise<{ records: T[]; error?: string }>;

/** One lookup, timed and recorded as a step (with the resolver's error code when it fails). */
function stepQuery(input: ResolveInput, res: Resolution): Query {
  return <T>(type: DnsStep['type'], name: string, run: () => Promise<T[]>, show: (r: T) => string): Promise<{ records: T[]; error?: string }> => {
    const t0 = input.now();
    return run()
      .then(
        (records): { records: T[]; error?: string; code?: string } => ({ records }),
        (e: unknown) => {
          const failure = lookupError(e);
          return { records: [] as T[], error: failure.text, code: failure.code };
        },
      )
      .then((r) => {
        const answers = r.records.map(show);
        const step: DnsStep = { query: name, type, answers, error: r.error, ...(r.code ? { code: r.code } : {}), durationMs: Math.round(input.now() - t0) };
        res.steps.push(step);
        input.onStep?.(step);
        return r;
      });
  };
}

export async function resolveTargets(input: ResolveInput): Promise<Resolution> {
  const { server, transports, resolver } = input;
  const res: Resolution = { targets: {}, errors: {}, steps: [] };
  const cache = new Map<string, Promise<{ answers: string[]; error?: string }>>();
  const query = stepQuery(input, res);
  const addresses = (host: string): Promise<{ answers: string[]; error?: string }> => {
    if (isIP(host)) return Promise.resolve({ answers: [host] });
    let p = cache.get(host);
    if (!p) {
      p = query(
        'A',
        host,
        () => resolver.addresses(host),
        (a) => a,
      ).then((r) => ({ answers: r.records, error: r.error }));
      cache.set(host, p);
    }
    return p;
  };

  const explicit = (t: Transport): number | undefined => input.ports[t];
  const needSrv = !isIP(server) && transports.some((t) => explicit(t) === undefined);
  let naptr: NaptrRecord[] = [];
  if (needSrv)
    naptr = (
      await query(
        'NAPTR',
        server,
        () => resolver.naptr(server),
        (n) => `${n.order} ${n.preference} "${n.flags}" "${n.service}" ${n.replacement}`,
      )
    ).records;

  await Promise.all(
    transports.map(async (t) => {
      let srvTargets: Array<{ host: string; port: number }> = [];
      if (needSrv && explicit(t) === undefined) {
        const matches = naptr
          .filter((n) => n.service.toUpperCase() === NAPTR_SERVICE[t] && n.flags.toLowerCase() === 's')
          .sort((a, b) => a.order - b.order || a.preference - b.preference);
        const srvName = matches[0]?.replacement ?? (naptr.length === 0 && SRV_PREFIX[t] ? SRV_PREFIX[t] + server : undefined);
        if (srvName) {
          const r = await query(
            'SRV',
            srvName,
            () => resolver.srv(srvName),
            (s) => `${s.priority} ${s.weight} ${s.port} ${s.name}`,
          );
          // RFC 2782: lowest priority first; among equals, heavier weight first (deterministic instead of random).
          srvTargets = r.records.sort((a, b) => a.priority - b.priority || b.weight - a.weight).map((s) => ({ host: s.name, port: s.port }));
        }
      }
      // RFC 3263 §4.2: without SRV records, use the A/AAAA records of the name with the default port.
      if (srvTargets.length === 0) srvTargets = [{ host: server, port: explicit(t) ?? DEFAULT_PORTS[t] }];
      const targets: Target[] = [];
      const errors: string[] = [];
      for (const st of srvTargets.slice(0, MAX_TARGETS_PER_TRANSPORT)) {
        const a = await addresses(st.host);
        if (a.error || a.answers.length === 0) errors.push(`${st.host}: ${a.error ?? 'no addresses'}`);
        else targets.push({ host: st.host, address: a.answers[0]!, port: st.port });
      }
      if (targets.length > 0) res.targets[t] = targets;
      else res.errors[t] = `could not resolve ${errors.join('; ')}`;
    }),
  );
  return res;
}
