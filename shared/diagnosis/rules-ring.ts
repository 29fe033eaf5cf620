// Findings of the ring test (an inbound call through the user's provider) and of the reflector
// callback test: did calls reach the registered flow, how were they addressed, and how long the
// router keeps the flow open for them. One function per finding; each cites the trace.
import type { CallbackResult, InboundInvite, RingResult } from '../model/ring.js';
import type { TraceEvent } from '../model/trace.js';
import { isPrivateAddress } from './rules-alg-passive.js';
import type { Finding } from './types.js';

/** RFC 5626 §4.4.1 suggests keep-alives well inside the NAT's timeout; we leave this share of it as margin. */
export const KEEPALIVE_SHARE = 0.8;
/** No keep-alive recommendation below this many seconds (a NAT that forgets faster needs TCP instead). */
export const MIN_KEEPALIVE_S = 10;

const messageSeqs = (trace: TraceEvent[]): number[] => trace.filter((e) => e.kind === 'sent' || e.kind === 'received').map((e) => e.seq);
const at = (e: { address: string; port: number }): string => `${e.address}:${e.port}`;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** host[:port] of a SIP URI, lower-case, for comparing where a request was aimed. */
function uriHostPort(uri: string): string {
  const m = /^sips?:(?:[^@;]*@)?(\[[^\]]+\]|[^:;?>]+)(?::(\d+))?/i.exec(uri);
  return m ? `${m[1]!.toLowerCase()}${m[2] ? ':' + m[2] : ''}` : uri.toLowerCase();
}

/** How the registration's Contact and the server's view of us compare, in one sentence. */
function natView(r: RingResult): string {
  const reg = r.registration;
  if (!reg) return '';
  const seen = reg.received ? `${reg.received}:${reg.rport ?? '?'}` : 'not reported (no received/rport in the answer)';
  return `Registered Contact ${reg.contact} from local ${at(reg.local)}; the server saw ${seen}.`;
}

function notRegistered(r: RingResult): Finding[] {
  if (r.outcome !== 'not-registered') return [];
  return [
    {
      id: 'ring-not-registered',
      severity: 'error',
      confidence: 'high',
      title: 'The ring test could not register the account',
      explanation: 'Without a registration the provider has nowhere to send calls. Run the registration check first to see why.',
      technical: `${r.attempt.label}: ${r.attempt.outcome}: ${r.attempt.detail}`,
      evidence: r.attempt.traceSeqs.length ? r.attempt.traceSeqs : [1],
      attempts: [r.attempt.id],
      fix: ['Run "Check registration" (sipladder check) and fix what it finds'],
    },
  ];
}

function inviteArrived(r: RingResult): Finding[] {
  const first = r.invites[0];
  if (!first) return [];
  return [
    {
      id: 'ring-invite-arrived',
      severity: 'info',
      confidence: 'high',
      title: 'Calls reach this computer',
      explanation: `The call arrived ${seconds(first.afterRegistrationMs)} after registering. It was answered "busy" (486) on purpose: the test never accepts a call.`,
      technical: `INVITE ${first.requestUri} over ${first.transport.toUpperCase()} from ${at(first.from)} to local ${at(first.local)}; caller ${first.caller}; ${first.retransmissions} retransmission(s); answered 100, 180, ${first.finalStatus}${first.acked ? ', ACK received' : ''}. ${natView(r)}`,
      evidence: first.traceSeqs,
      attempts: [r.attempt.id],
      fix: [],
    },
  ];
}

function noInvite(r: RingResult): Finding[] {
  if (r.outcome !== 'no-invite' && r.outcome !== 'cancelled') return [];
  const reg = r.registration;
  const natted = reg?.received !== undefined && (reg.received !== reg.local.address || (reg.rport !== undefined && reg.rport !== reg.local.port));
  const udp = r.transport === 'udp';
  return [
    {
      id: 'ring-no-invite',
      severity: r.outcome === 'cancelled' ? 'warning' : 'error',
      confidence: 'medium',
      title: r.outcome === 'cancelled' ? 'No call arrived before the test was cancelled' : 'The call never reached this computer',
      explanation: `The account was registered for ${seconds(r.waitedMs)}, but no incoming call (INVITE) arrived.${natted ? ' Your router translates addresses: the provider must send calls to the public address it saw, and the router must let them in.' : ''}${udp ? ' Over UDP a router forgets the way back after a quiet while, and an ALG may drop or break incoming calls.' : ''}`,
      technical: `No INVITE on the registered flow within ${r.waitS} s. ${natView(r)} Other requests received: ${
        Object.entries(r.otherRequests)
          .map(([m, n]) => `${m} ×${n}`)
          .join(', ') || 'none'
      }.`,
      evidence: messageSeqs(r.trace).length ? messageSeqs(r.trace) : r.attempt.traceSeqs,
      attempts: [r.attempt.id],
      fix: [
        'Make sure the call was placed to this account while the test waited (and no other device or forwarding takes it)',
        ...(udp ? ['Try the ring test over TCP or TLS', 'Turn off "SIP ALG" in the router'] : []),
        ...(natted ? ['Ask the provider whether it sends calls to the address it saw (received/rport) rather than the private Contact'] : []),
      ],
    },
  ];
}

function fromElsewhere(r: RingResult): Finding[] {
  const odd = r.invites.filter((i) => !i.fromRegistrar);
  if (!odd.length || !r.registration) return [];
  return [
    {
      id: 'ring-invite-from-other-address',
      severity: 'warning',
      confidence: 'medium',
      title: 'Calls come from another address than the registration',
      explanation:
        'The call came from a different server address or port than the one the phone registered with. Many routers only let in packets from where the phone sent its own, so this works here but fails behind stricter routers.',
      technical: `${odd.map((i) => `INVITE from ${at(i.from)}`).join('; ')}; the REGISTER went to ${at(r.attempt.target)} (RFC 4787 §5 address-dependent filtering drops this).`,
      evidence: odd.flatMap((i) => i.traceSeqs.slice(0, 1)),
      attempts: [r.attempt.id],
      fix: ['Ask the provider to send calls from the server the phone registers with (RFC 5626 flows)'],
    },
  ];
}

function privateAddresses(r: RingResult): Finding[] {
  const hit = (i: InboundInvite): string[] =>
    isPrivateAddress(i.from.address)
      ? []
      : [
          ...(i.sdpAddress && isPrivateAddress(i.sdpAddress) ? [`SDP c=${i.sdpAddress}`] : []),
          ...(i.contact && isPrivateAddress(uriHostPort(i.contact).replace(/:\d+$/, '')) ? [`Contact ${i.contact}`] : []),
        ];
  const bad = r.invites.filter((i) => hit(i).length > 0);
  if (!bad.length) return [];
  return [
    {
      id: 'ring-private-address-in-invite',
      severity: 'warning',
      confidence: 'medium',
      title: 'The incoming call carries a private address',
      explanation:
        'The call came over the internet but names a private (LAN) address for the other side. Audio may go nowhere (one-way or no audio) unless the provider relays it.',
      technical:
        bad.map((i) => `INVITE from public ${at(i.from)} with ${hit(i).join(' and ')}`).join('; ') +
        ' (RFC 1918 addresses are not routable on the internet; a SIP ALG or a caller behind NAT without a fix-up).',
      evidence: bad.map((i) => i.traceSeqs[0]!),
      attempts: [r.attempt.id],
      fix: ['Turn off "SIP ALG" in the routers on the way', 'Ask the provider to anchor media (RTP relay) for callers behind NAT'],
    },
  ];
}

function requestUriRewritten(r: RingResult): Finding[] {
  const reg = r.registration;
  if (!reg?.contact) return [];
  const ours = uriHostPort(reg.contact);
  const publicSeen = reg.received ? `${reg.received.toLowerCase()}:${reg.rport ?? ''}` : '';
  const bad = r.invites.filter((i) => uriHostPort(i.requestUri) !== ours);
  if (!bad.length) return [];
  const toPublic = bad.every((i) => uriHostPort(i.requestUri) === publicSeen);
  return [
    {
      id: 'ring-request-uri-not-contact',
      severity: toPublic ? 'info' : 'warning',
      confidence: 'medium',
      title: toPublic ? 'The provider addresses calls to your public address' : 'Calls are addressed differently from what was registered',
      explanation: toPublic
        ? 'The provider replaced the address the phone registered with by the public address it saw: that is how providers reach phones behind a router.'
        : 'The incoming call is addressed to something other than what the phone registered. A router ALG or the provider rewrote it; some phones reject such calls.',
      technical: `Request-URI ${bad.map((i) => i.requestUri).join(', ')}; registered Contact ${reg.contact}${publicSeen ? `; server saw ${publicSeen}` : ''} (RFC 3261 §16.5: a proxy targets the registered Contact).`,
      evidence: bad.map((i) => i.traceSeqs[0]!),
      attempts: [r.attempt.id],
      fix: toPublic ? [] : ['Turn off "SIP ALG" in the router', 'Ask the provider how it rewrites the Request-URI of calls to registered contacts'],
    },
  ];
}

function answersLost(r: RingResult): Finding[] {
  const lost = r.invites.filter((i) => r.transport === 'udp' && i.finalStatus > 0 && !i.acked && !i.cancelled);
  if (!lost.length) return [];
  return [
    {
      id: 'ring-answers-lost',
      severity: 'warning',
      confidence: 'medium',
      title: "The phone's answers to the call do not get back",
      explanation:
        'The call arrived, but the provider never confirmed the "busy" answer: the answers the phone sends are lost on the way out. A real call would ring on and then fail.',
      technical: lost
        .map(
          (i) =>
            `INVITE ${i.callId}: ${i.finalStatus} retransmitted on Timer G, no ACK within Timer H (RFC 3261 §17.2.1); the INVITE came ${i.retransmissions + 1} time(s)`,
        )
        .join('; '),
      evidence: lost.flatMap((i) => i.traceSeqs),
      attempts: [r.attempt.id],
      fix: ['Turn off "SIP ALG" in the router', 'Try TCP or TLS'],
    },
  ];
}

function idleCallLost(r: RingResult): Finding[] {
  const lost = r.rounds.filter((x) => !x.arrived && !x.skipped);
  if (!lost.length || !r.invites.length) return [];
  const arrivedQuiet = r.rounds.filter((x) => x.arrived).map((x) => x.quietS ?? x.quietAtPromptS);
  const open = Math.max(r.invites[0]!.afterRegistrationMs / 1000, ...arrivedQuiet);
  const keep = keepAliveFor(open, Math.min(...lost.map((x) => x.quietAtPromptS)));
  return [
    {
      id: 'ring-idle-call-lost',
      severity: 'warning',
      confidence: 'medium',
      title: `Calls stop arriving after ${lost[0]!.idleS} s without traffic`,
      explanation: `The first call arrived, but after ${lost.map((x) => `${x.idleS} s`).join(' and ')} without any traffic from this computer the next call did not. The router (or the provider) forgot the way to this computer in between.`,
      technical: `Rounds: ${r.rounds.map((x) => `idle ${x.idleS} s (quiet ${x.quietAtPromptS} s when asked) → ${x.arrived ? 'arrived' : (x.skipped ?? 'no INVITE')}`).join('; ')}. ${natView(r)}`,
      evidence: r.invites.flatMap((i) => i.traceSeqs.slice(0, 1)),
      attempts: [r.attempt.id],
      fix: [
        keep
          ? `Make the phone send keep-alives (RFC 5626 §4.4 CRLF, or re-register) every ${keep} s or less`
          : 'Make the phone send keep-alives often (or use TCP/TLS)',
        "Or raise the router's UDP timeout",
      ],
    },
  ];
}

const RING_RULES: Array<(r: RingResult) => Finding[]> = [
  notRegistered,
  inviteArrived,
  noInvite,
  fromElsewhere,
  privateAddresses,
  requestUriRewritten,
  answersLost,
  idleCallLost,
];

export function diagnoseRing(r: RingResult): { verdict: string; findings: Finding[] } {
  const findings = RING_RULES.flatMap((rule) => rule(r));
  const verdict =
    r.outcome === 'invite-arrived'
      ? `Incoming calls reach this computer over ${r.transport.toUpperCase()} (${seconds(r.invites[0]!.afterRegistrationMs)} after registering).`
      : r.outcome === 'not-registered'
        ? 'The account could not be registered, so no call can arrive.'
        : r.outcome === 'cancelled'
          ? 'Cancelled before a call arrived.'
          : `No incoming call arrived within ${r.waitS} s of registering over ${r.transport.toUpperCase()}.`;
  return { verdict, findings };
}

/** Keep-alive interval for a flow that stayed open at least `openS` and was gone by `closedS` (RFC 5626 §4.4). */
export function keepAliveFor(openS: number | undefined, closedS: number | undefined): number | undefined {
  if (closedS === undefined) return undefined;
  const s = Math.floor((openS ?? 0) * KEEPALIVE_SHARE);
  return s >= MIN_KEEPALIVE_S ? s : undefined;
}

function bindingClosed(c: CallbackResult): Finding[] {
  if (c.closedByS === undefined) return [];
  const keep = keepAliveFor(c.openAtLeastS, c.closedByS);
  const missed = c.probes.filter((p) => !p.optionsArrived && !p.inviteArrived);
  return [
    {
      id: 'callback-binding-expired',
      severity: 'warning',
      confidence: 'high',
      title: `Your router forgets the way back after ${c.openAtLeastS ?? 0}–${c.closedByS} s`,
      explanation: `Requests from the server reached this computer after ${c.openAtLeastS ?? 0} s of quiet, but not after ${c.closedByS} s. Calls would stop arriving unless the phone sends something more often than that.`,
      technical: `Reflector callbacks over ${c.transport.toUpperCase()} to the registered flow: arrived after ${
        c.probes
          .filter((p) => p.inviteArrived || p.optionsArrived)
          .map((p) => `${p.delayS} s`)
          .join(', ') || 'none'
      }; missing after ${missed.map((p) => `${p.delayS} s`).join(', ')}.`,
      evidence: [...c.probes.flatMap((p) => p.traceSeqs), ...messageSeqs(c.trace).slice(0, 2)].filter((s, i, all) => all.indexOf(s) === i),
      attempts: [],
      fix: [
        keep ? `Send keep-alives (RFC 5626 §4.4 CRLF, or re-register) every ${keep} s or less` : 'Use TCP or TLS, or keep-alives every few seconds',
        "Or raise the router's UDP timeout",
      ],
    },
  ];
}

function callbackRewritten(c: CallbackResult): Finding[] {
  const touched = c.probes.filter((p) => p.rewritten.length > 0);
  if (!touched.length) return [];
  return [
    {
      id: 'callback-invite-rewritten',
      severity: 'warning',
      confidence: 'high',
      title: 'A router changes incoming calls on the way (SIP ALG)',
      explanation: 'The test call from the reflector arrived changed. A SIP ALG in a router rewrites calls; this often breaks audio or the call itself.',
      technical: touched.flatMap((p) => p.rewritten.map((d) => `${d.what}: sent ${d.sent ?? '(none)'}, arrived ${d.seen ?? '(none)'}`)).join('; '),
      evidence: touched.flatMap((p) => p.traceSeqs),
      attempts: [],
      fix: ['Turn off "SIP ALG" in the router'],
    },
  ];
}

export function diagnoseCallback(c: CallbackResult): { verdict: string; findings: Finding[] } {
  const findings = [...bindingClosed(c), ...callbackRewritten(c)];
  const verdict = !c.registered
    ? `Could not register to the reflector: ${c.detail}`
    : c.closedByS !== undefined
      ? `Inbound requests stop arriving after ${c.openAtLeastS ?? 0}–${c.closedByS} s without traffic.`
      : `Inbound requests arrived after every delay tried (up to ${c.openAtLeastS ?? 0} s).`;
  return { verdict, findings };
}
