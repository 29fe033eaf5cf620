// Pseudonymisation keeps its promise in every file of the bundle: a property test puts random
// users, domains, host names, display names, IPv4 and IPv6 addresses (and the rest of what the
// checkboxes cover) in every place results and messages carry them, exports a pseudonymised
// bundle, and searches every entry, case-insensitively and %-decoded, for any original.
import { release } from 'node:os';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exportBundle } from '../../electron/bundle/bundle.js';
import { readZip } from '../../electron/bundle/zip.js';
import { pseudonymise } from '../../shared/bundle/redact.js';
import { fromBase64, toBase64, utf8 } from '../../shared/hash/utf8.js';
import type { CheckResult } from '../../shared/model/results.js';
import type { TraceEvent } from '../../shared/model/trace.js';
import { ipv4Bytes, ipv6Bytes } from '../../shared/net/ip.js';
import { parseMessage } from '../../shared/sip/parse.js';

const ALL = { users: true, domains: true, addresses: true };
/** Random enough never to occur in a bundle by chance: no doubled letters (stand-ins pad with "xx"), a digit inside. */
const token = fc.stringMatching(/^[a-z]{3}[0-9][a-z0-9]{4,8}$/).filter((s) => !/(.)\1/.test(s) && !s.includes('x'));
const label = fc.stringMatching(/^[a-z][a-z0-9-]{3,8}[a-z0-9]$/).filter((s) => !/(.)\1/.test(s) && !s.includes('x') && !s.includes('--'));
const domain = fc.tuple(label, token, fc.constantFrom('com', 'net', 'org', 'de')).map(([a, b, tld]) => `${a}.${b}.${tld}`);
const word = fc.stringMatching(/^[A-Z][a-z]{5,9}$/).filter((s) => !/(.)\1/i.test(s) && !/x/i.test(s));
const octet = fc.integer({ min: 11, max: 223 });
const ipv4 = fc.tuple(octet, octet, octet, octet).map((o) => o.join('.'));
const ipv6 = fc.ipV6().filter((a) => a.replace(/[^1-9a-f]/gi, '').length >= 6);

const identities = fc.record({
  user: token,
  authUser: token,
  domain,
  domain2: domain,
  viaHost: domain,
  routeHost: domain,
  display: fc.tuple(word, word).map(([a, b]) => `${a} ${b}`),
  realm: fc.tuple(word, token).map(([a, b]) => `${a} ${b}`),
  userAgent: fc.tuple(word, token).map(([a, b]) => `${a}/${b}`),
  server: fc.tuple(word, token).map(([a, b]) => `${a} ${b}`),
  instance: fc.uuid(),
  fingerprint: fc.stringMatching(/^[0-9A-F]{2}(:[0-9A-F]{2}){7}$/),
  local: ipv4,
  serverAddress: ipv4,
  mapped: ipv4,
  v6: ipv6,
  v6b: ipv6,
});
type Ids = typeof identities extends fc.Arbitrary<infer T> ? T : never;

/** "%41lice": some letters %-encoded, as RFC 3261 §19.1.2 allows in a user part. */
const percentEncoded = (s: string): string => [...s].map((c, i) => (i % 3 === 0 ? `%${c.charCodeAt(0).toString(16).toUpperCase()}` : c)).join('');

function register(x: Ids): string {
  const sdp = `v=0\r\no=${x.user} 1 1 IN IP4 ${x.local}\r\ns=-\r\nc=IN IP6 ${x.v6}\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n`;
  return [
    `REGISTER sip:${x.domain} SIP/2.0`,
    `Via: SIP/2.0/UDP ${x.viaHost}:5062;branch=z9hG4bK-1;rport`,
    'Max-Forwards: 70',
    `From: "${x.display}" <sip:${x.user}@${x.domain}>;tag=1`,
    `To: ${x.display.toUpperCase()} <sip:${x.user.toUpperCase()}@${x.domain.toUpperCase()}>`,
    `Call-ID: c0ffee@${x.viaHost}`,
    'CSeq: 2 REGISTER',
    `Contact: <sip:${percentEncoded(x.user)}@[${x.v6b}]:5062>;+sip.instance="<urn:uuid:${x.instance}>"`,
    `Authorization: Digest username="${x.authUser}", realm="${x.realm}", nonce="abc", uri="sip:${x.domain}", response="********************************"`,
    `User-Agent: ${x.userAgent}`,
    'Content-Type: application/sdp',
    `Content-Length: ${sdp.length}`,
    '',
    sdp,
  ].join('\r\n');
}

function ok(x: Ids): string {
  return [
    'SIP/2.0 200 OK',
    `Via: SIP/2.0/UDP ${x.viaHost}:5062;branch=z9hG4bK-1;rport=5062;received=${x.mapped}`,
    `Record-Route: <sip:${x.routeHost};lr>`,
    `From: "${x.display}" <sip:${x.user}@${x.domain}>;tag=1`,
    `To: <sip:${x.user}@${x.domain}>;tag=2`,
    `Call-ID: c0ffee@${x.viaHost}`,
    'CSeq: 2 REGISTER',
    `Contact: <sip:${x.user}@${x.local}:5062>;expires=60`,
    `Server: ${x.server}`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

function resultWith(x: Ids): CheckResult {
  const local = { address: x.local, port: 5062 };
  const remote = { address: x.serverAddress, port: 5060 };
  const event = (seq: number, kind: TraceEvent['kind'], text?: string, note?: string): TraceEvent => ({
    seq,
    t: seq * 10,
    attempt: seq <= 4 ? 1 : 2,
    kind,
    transport: seq <= 4 ? 'udp' : 'tls',
    local: seq <= 4 ? local : { address: x.v6b, port: 40000 },
    remote: seq <= 4 ? remote : { address: x.v6, port: 5061 },
    ...(text ? { bytes: toBase64(utf8(text)), size: text.length } : {}),
    ...(note ? { note } : {}),
  });
  const certificate = {
    subject: `CN=${x.domain}`,
    issuer: `CN=${x.display} CA, O=${x.domain2}`,
    validFrom: 'Jan 1 2026',
    validTo: 'Jan 1 2027',
    subjectAltNames: [`DNS:${x.domain}`, `DNS:*.${x.domain2}`, `IP Address:${x.serverAddress}`],
    fingerprint256: x.fingerprint,
  };
  return {
    schemaVersion: 1,
    tool: { name: 'sipladder', version: 'test' },
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 900,
    authFailures: 0,
    account: { server: x.domain2, domain: x.domain, user: x.user, authUser: x.authUser, transports: ['udp', 'tls'], passwordGiven: true },
    dns: [
      { query: `_sip._udp.${x.domain}`, type: 'SRV', answers: [`10 5 5060 ${x.domain2}.`], durationMs: 3 },
      { query: x.domain2, type: 'A', answers: [x.serverAddress], durationMs: 2 },
      { query: x.domain2, type: 'AAAA', answers: [x.v6], durationMs: 2 },
    ],
    attempts: [
      {
        id: 1,
        label: 'UDP from an ephemeral port',
        transport: 'udp',
        target: { host: x.domain2, ...remote },
        sourcePortMode: 'ephemeral',
        rport: true,
        localPort: 5062,
        localAddress: x.local,
        outcome: 'registered',
        status: 200,
        reason: 'OK',
        detail: `registered: 200 OK as sip:${x.user}@${x.domain}`,
        durationMs: 40,
        startedAt: 0,
        requestsSent: 1,
        retransmissions: 0,
        via: { sentBy: `${x.viaHost}:5062`, rportRequested: true, received: x.mapped, rport: 5062 },
        responsesFromElsewhere: [{ address: x.v6, port: 5060 }],
        unregistered: true,
        traceSeqs: [1, 2, 3],
      },
      {
        id: 2,
        label: 'TLS',
        transport: 'tls',
        target: { host: x.domain2, address: x.v6, port: 5061 },
        sourcePortMode: 'ephemeral',
        rport: true,
        localPort: 40000,
        localAddress: x.v6b,
        outcome: 'no-response',
        detail: `no response from [${x.v6}]:5061`,
        durationMs: 3500,
        startedAt: 0,
        requestsSent: 1,
        retransmissions: 0,
        responsesFromElsewhere: [],
        tls: { verified: true, servername: x.domain2, protocol: 'TLSv1.3', certificate },
        traceSeqs: [5, 6],
      },
    ],
    pathProbes: {
      stun: {
        server: { host: x.domain2, address: x.serverAddress, port: 3478 },
        outcome: 'ok',
        detail: `public address ${x.mapped}:40000`,
        mapped: { address: x.mapped, port: 40000 },
        portPreservation: [],
        skipped: [],
        durationMs: 20,
        traceSeqs: [],
      },
      alg: {
        target: { host: x.domain2, address: x.serverAddress, port: 5099 },
        outcome: 'rewritten',
        durationMs: 30,
        traceSeqs: [],
        checks: [
          {
            transport: 'udp',
            port: 5060,
            outcome: 'rewritten',
            detail: 'Contact rewritten',
            differences: [{ what: 'Contact', sent: `sip:${x.user}@${x.local}`, seen: `sip:${x.user}@${x.mapped}`, direction: 'request' }],
          },
        ],
      },
    },
    trace: [
      event(1, 'socket', undefined, `open udp to ${x.serverAddress}:5060`),
      event(2, 'sent', register(x), 'REGISTER with credentials'),
      event(3, 'received', ok(x)),
      event(4, 'socket', undefined, `response came from [${x.v6}]:5060, not from ${x.serverAddress}:5060`),
      event(5, 'tls', undefined, `TLS TLSv1.3; certificate verified; subject ${certificate.subject}; issuer ${certificate.issuer}`),
      event(6, 'sent', register(x)),
    ],
  };
}

const percentDecoded = (s: string): string => s.replace(/%([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));

/** Where an original survives: entry name and a little context, or null. */
function survivor(entries: Array<{ name: string; data: Uint8Array }>, original: string, isAddress: boolean): string | null {
  const needle = original.toLowerCase();
  const edge = isAddress ? (original.includes(':') ? '0-9a-f:' : '0-9.') : '';
  for (const e of entries) {
    const text = Buffer.from(e.data).toString('latin1');
    for (const view of [text, percentDecoded(text)].map((t) => t.toLowerCase())) {
      for (let at = view.indexOf(needle); at >= 0; at = view.indexOf(needle, at + 1)) {
        const before = view[at - 1] ?? ' ';
        const after = view[at + needle.length] ?? ' ';
        if (!edge || (!new RegExp(`[${edge}]`).test(before) && !new RegExp(`[${edge}]`).test(after)))
          return `${e.name}: …${view.slice(Math.max(0, at - 40), at + needle.length + 20)}…`;
      }
    }
    const bytes = isAddress ? (original.includes(':') ? ipv6Bytes(original) : ipv4Bytes(original)) : null;
    if (bytes && Buffer.from(e.data).includes(Buffer.from(bytes))) return `${e.name}: address bytes ${original}`;
  }
  return null;
}

describe('pseudonymised bundles', () => {
  it('no original value survives in any file of the bundle', () => {
    fc.assert(
      fc.property(identities, (x) => {
        const entries = readZip(exportBundle(resultWith(x), { pseudonymise: ALL }).bytes);
        const { local, serverAddress, mapped, v6, v6b, ...words } = x;
        for (const [name, value] of Object.entries(words)) expect(survivor(entries, value, false), name).toBeNull();
        for (const [name, value] of Object.entries({ local, serverAddress, mapped, v6, v6b })) expect(survivor(entries, value, true), name).toBeNull();
        if (release().length > 3) expect(survivor(entries, release(), false), 'OS release').toBeNull();
      }),
      { numRuns: 60 },
    );
  });

  it('keeps messages the same length and parseable, and replaces consistently', () => {
    fc.assert(
      fc.property(identities, (x) => {
        const original = resultWith(x);
        const { result, replacements } = pseudonymise(original, ALL);
        result.trace.forEach((e, i) => {
          if (!e.bytes) return;
          expect(fromBase64(e.bytes).length).toBe(fromBase64(original.trace[i]!.bytes!).length);
          expect(parseMessage(fromBase64(e.bytes)).ok).toBe(true);
        });
        const user = replacements.find((r) => r.original === x.user)!;
        expect(result.account.user).toBe(user.pseudonym);
        expect(result.attempts[0]!.detail).toContain(`sip:${user.pseudonym}@`);
        expect(result.attempts.map((a) => a.outcome)).toEqual(['registered', 'no-response']);
      }),
      { numRuns: 30 },
    );
  });

  it('replaces nothing the checkboxes leave out', () => {
    const x = fc.sample(identities, 1)[0]!;
    const { result } = pseudonymise(resultWith(x), { users: true, domains: false, addresses: false });
    expect(result.account.domain).toBe(x.domain);
    expect(result.attempts[0]!.localAddress).toBe(x.local);
    expect(result.account.user).not.toBe(x.user);
  });
});
