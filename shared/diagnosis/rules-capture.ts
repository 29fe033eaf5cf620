// Rules for imported captures (often taken at a provider's server): what the traffic between
// clients and the server shows. A capture may hold 40,000 exchanges, so every text is a summary
// (counts and a few examples, a few KB at most); the full lists are the findings' `attempts`,
// which the app shows on demand and the bundle's JSON keeps.
import { dialogFacts, type DialogFacts } from '../capture/dialogs.js';
import type { AttemptResult, CheckResult } from '../model/results.js';
import { isPrivateAddress } from './rules-alg-passive.js';
import type { DiagnosisContext, Finding, Rule } from './types.js';
import { countOf, countText } from '../capture/count-text.js';

/** Examples named in a text; the rest are counted. */
export const EXAMPLES = 3;
/** Exchanges whose messages are cited as evidence (all affected ones are listed in `attempts`). */
export const EVIDENCE_EXCHANGES = 5;
/** re-INVITEs in one dialog from which it is a storm (normal session refreshes are a few per hour). */
export const REINVITE_STORM = 10;

/** "a, b, c and 97 more" (distinct items, in order of first appearance). */
export function examples(items: string[], shown = EXAMPLES): string {
  const distinct = [...new Set(items)];
  const rest = distinct.length - shown;
  return `${distinct.slice(0, shown).join(', ')}${rest > 0 ? ` and ${countText(rest)} more` : ''}`;
}

const clientOf = (f: DialogFacts): string => `${f.client.address}:${f.client.port}`;

/** Evidence (messages of the first few exchanges) and the full list of affected exchanges. */
function cite(list: DialogFacts[], seqsOf: (f: DialogFacts) => number[]): Pick<Finding, 'evidence' | 'attempts'> {
  return { evidence: list.slice(0, EVIDENCE_EXCHANGES).flatMap(seqsOf), attempts: list.map((f) => f.attempt) };
}

/** Counts by status, most frequent first: "408 ×12, 480 ×3". */
function byStatus(list: DialogFacts[]): string {
  const counts = new Map<number, number>();
  for (const f of list) if (f.status) counts.set(f.status, (counts.get(f.status) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([s, c]) => `${s} ×${countText(c)}`)
    .join(', ');
}

type CaptureRule = (facts: DialogFacts[], byId: Map<number, AttemptResult>) => Finding | null;

/** Field story 000, seen from the server: the 401 went out to port 5060 and nothing came back. */
const inbound5060: CaptureRule = (facts, byId) => {
  const regs = facts.filter((f) => f.kind === 'registration');
  const stuck = regs.filter(
    (f) => f.client.port === 5060 && byId.get(f.attempt)?.transport === 'udp' && byId.get(f.attempt)?.outcome === 'challenged-no-answer',
  );
  const fine = regs.filter((f) => f.client.port !== 5060 && !f.failed);
  if (!stuck.length || !fine.length) return null;
  return {
    id: 'capture-inbound-5060-filtered',
    severity: 'error',
    confidence: 'medium',
    title: 'Clients on port 5060 never answer the challenge: inbound UDP 5060 is likely filtered near them',
    explanation:
      'The server challenged REGISTERs that came from port 5060 but never received the second REGISTER with credentials, while clients on other ports complete. The 401 most likely never reached those clients.',
    technical: `${countOf(new Set(stuck.map((f) => f.client.address)).size, 'client')} on local port 5060 never answered the 401 (${examples(stuck.map((f) => f.client.address))}); ${countOf(fine.length, 'registration')} from other ports completed.`,
    ...cite(stuck, (f) => byId.get(f.attempt)?.traceSeqs ?? []),
    fix: [
      "Ask the affected customers to set their phone's local SIP port to another number, or to use TCP/TLS",
      'Check whether their ISP or router filters inbound UDP to port 5060',
    ],
  };
};

const unanswered: CaptureRule = (facts, byId) => {
  const silent = facts.filter((f) => f.kind !== 'keepalive' && byId.get(f.attempt)?.outcome === 'no-response');
  if (!silent.length) return null;
  return {
    id: 'capture-unanswered',
    severity: 'warning',
    confidence: 'medium',
    title: 'Requests in the capture got no answer',
    explanation:
      'Some requests have no final response in the capture: the server did not answer them, or the capture missed the answers (it may also have ended first).',
    technical: `${countOf(silent.length, 'exchange')} without a final response (${examples(silent.map((f) => `${f.method || 'exchange'} from ${clientOf(f)}`))}).`,
    ...cite(silent, (f) => [f.firstSeq]),
    fix: ["Check the server's logs for these Call-IDs"],
  };
};

const keepalivesUnanswered: CaptureRule = (facts, byId) => {
  const lost = facts.filter((f) => f.kind === 'keepalive' && byId.get(f.attempt)?.outcome === 'no-response');
  if (!lost.length) return null;
  return {
    id: 'capture-keepalive-unanswered',
    severity: 'warning',
    confidence: 'medium',
    title: 'OPTIONS keep-alives got no answer: those contacts are unreachable',
    explanation:
      "The server's OPTIONS pings to some registered phones were never answered. Calls to those phones will fail too: the router's NAT binding expired, or a firewall drops packets to them.",
    technical: `${countOf(lost.length, 'OPTIONS exchange')} to ${countOf(new Set(lost.map((f) => f.server.address)).size, 'contact address', 'contact addresses')} unanswered (${examples(lost.map((f) => `${f.server.address}:${f.server.port}`))}).`,
    ...cite(lost, (f) => byId.get(f.attempt)?.traceSeqs ?? []),
    fix: [
      'Have those phones send keep-alives more often than the NAT timeout (e.g. every 25 s), or register over TCP/TLS',
      "Check the customers' firewalls for inbound SIP",
    ],
  };
};

const missingAck: CaptureRule = (facts) => {
  const noAck = facts.filter((f) => f.kind === 'call' && f.invite2xx > 0 && !f.acked);
  if (!noAck.length) return null;
  return {
    id: 'capture-no-ack',
    severity: 'warning',
    confidence: 'medium',
    title: 'Answered calls never got an ACK: the 200 OK does not reach the caller',
    explanation:
      'The callee answered, but the caller never confirmed. Such calls drop after about 32 seconds. Usually a NAT or a wrong Contact address sends the 200 OK where the caller cannot receive it.',
    technical: `${countOf(noAck.length, 'call')} with a 2xx to the INVITE and no ACK (RFC 3261 §13.3.1.4; retransmitted ${countText(noAck.reduce((s, f) => s + f.invite2xx, 0))} times in all): ${examples(noAck.map(clientOf))}.`,
    ...cite(noAck, (f) => [f.firstSeq, ...(f.finalSeq ? [f.finalSeq] : [])]),
    fix: ['Check the Contact and Record-Route of those calls', 'Enable NAT handling (e.g. fix_nated_contact) for those clients'],
  };
};

const callFailures: CaptureRule = (facts) => {
  const calls = facts.filter((f) => f.kind === 'call');
  const failed = calls.filter((f) => f.status === 408 || f.status === 480 || f.status === 487);
  if (!failed.length) return null;
  const timeouts = failed.filter((f) => f.status !== 487).length;
  return {
    id: 'capture-call-failures',
    severity: timeouts * 20 > calls.length ? 'warning' : 'info',
    confidence: 'medium',
    title: 'Calls ended unanswered, unavailable or cancelled',
    explanation:
      '408 and 480 mean the called phone could not be reached or did not answer in time; 487 is a call the caller cancelled. Many 408/480 to the same phones point at unreachable contacts.',
    technical: `${countOf(failed.length, 'call')} of ${countText(calls.length)}: ${byStatus(failed)} (${examples(failed.map(clientOf))}).`,
    ...cite(failed, (f) => [f.firstSeq, ...(f.finalSeq ? [f.finalSeq] : [])]),
    fix: ['Check whether the called contacts answer OPTIONS keep-alives'],
  };
};

const privateMedia: CaptureRule = (facts) => {
  const hinted = facts.filter((f) => f.kind === 'call' && f.offer && isPrivateAddress(f.offer.address) && !isPrivateAddress(f.client.address));
  if (!hinted.length) return null;
  return {
    id: 'capture-private-sdp',
    severity: 'warning',
    confidence: 'low',
    title: 'Calls offer media at a private address from a public one: one-way or no audio likely',
    explanation:
      'These phones are behind a NAT and announce their private address for the audio. Unless the server relays or corrects the media address, the audio toward them gets lost.',
    technical: `${countOf(hinted.length, 'call')} with a private SDP c= address from a public source (${examples(hinted.map((f) => `${f.offer!.address} via ${f.client.address}`))}).`,
    ...cite(hinted, (f) => [f.offer!.seq]),
    fix: ['Enable STUN or ICE on those phones, or media relaying (RTP proxy) on the server', 'Turn off a SIP ALG that rewrites only part of the message'],
  };
};

const reinviteStorms: CaptureRule = (facts) => {
  const storms = facts.filter((f) => f.reinvites >= REINVITE_STORM);
  if (!storms.length) return null;
  return {
    id: 'capture-reinvite-storm',
    severity: 'warning',
    confidence: 'medium',
    title: 'Dialogs with re-INVITE storms',
    explanation:
      'Some calls were re-negotiated again and again. That loads the server and often ends in dropped calls; it is typical of two devices that disagree on codecs or session timers.',
    technical: `${countOf(storms.length, 'dialog')} with ${REINVITE_STORM} or more re-INVITEs (most: ${countText(Math.max(...storms.map((f) => f.reinvites)))}): ${examples(storms.map(clientOf))}.`,
    ...cite(storms, (f) => [f.firstSeq]),
    fix: ['Compare the SDP of successive re-INVITEs (codecs, direction, session timers)'],
  };
};

const serverErrors: CaptureRule = (facts) => {
  const failed = facts.filter((f) => f.status !== undefined && f.status >= 500 && f.status < 600);
  if (!failed.length) return null;
  return {
    id: 'capture-server-5xx',
    severity: 'warning',
    confidence: 'high',
    title: 'The server answered with server errors (5xx)',
    explanation: 'The server refused some requests because of its own trouble (overload, a failed upstream, maintenance), not because of the clients.',
    technical: `${countOf(failed.length, 'exchange')}: ${byStatus(failed)} (${examples(failed.map((f) => `${f.method} from ${clientOf(f)}`))}).`,
    ...cite(failed, (f) => (f.finalSeq ? [f.finalSeq] : [f.firstSeq])),
    fix: ["Check the server's logs and upstream routes at those times"],
  };
};

const registrationFailures: CaptureRule = (facts, byId) => {
  const failed = facts.filter(
    (f) => f.kind === 'registration' && ['rejected', 'auth-failed'].includes(byId.get(f.attempt)?.outcome ?? '') && !(f.status && f.status >= 500),
  );
  if (!failed.length) return null;
  return {
    id: 'capture-registration-rejected',
    severity: 'warning',
    confidence: 'high',
    title: 'Registrations were rejected',
    explanation: 'The server turned some registrations down: wrong credentials, an unknown user, or a policy on the server.',
    technical: `${countOf(failed.length, 'registration')} rejected: ${byStatus(failed)} (${examples(failed.map((f) => (f.user ? `${f.user} from ${clientOf(f)}` : clientOf(f))))}).`,
    ...cite(failed, (f) => (f.finalSeq ? [f.firstSeq, f.finalSeq] : [f.firstSeq])),
    fix: ["Check those accounts' user names and passwords"],
  };
};

const RULES: CaptureRule[] = [
  inbound5060,
  registrationFailures,
  serverErrors,
  missingAck,
  privateMedia,
  keepalivesUnanswered,
  unanswered,
  callFailures,
  reinviteStorms,
];

export const captureRules: Rule = (ctx: DiagnosisContext) => {
  if (ctx.result.origin !== 'capture') return [];
  const facts = dialogFacts(ctx.result);
  const byId = new Map(ctx.result.attempts.map((a) => [a.id, a]));
  return RULES.map((rule) => rule(facts, byId)).filter((f): f is Finding => f !== null);
};

/** A capture without one exchange: never "no problems found", since a capture taken where the SIP is not would look healthy. */
export const holdsNoSip = (result: CheckResult): boolean => result.origin === 'capture' && !result.attempts.length;

/** The verdict of a capture that holds no SIP message. */
export const NO_SIP =
  'No SIP messages in this capture: it was probably taken on another interface, or with a filter that left the SIP traffic out (SIP over TLS or WSS is encrypted and cannot be read from a capture). Capture again with no port filter, e.g. tcpdump -i any -w sip.pcap.';

/** The verdict of a capture: what it holds, in counts, and the worst problem (never a list). */
export function captureVerdict(result: CheckResult, findings: Finding[]): string {
  if (holdsNoSip(result)) return NO_SIP;
  const facts = dialogFacts(result);
  const count = (kind: DialogFacts['kind']) => facts.filter((f) => f.kind === kind);
  const part = (list: DialogFacts[], what: string, verb: string) =>
    list.length ? `${countText(list.filter((f) => !f.failed).length)} of ${countOf(list.length, what)} ${verb}` : '';
  const parts = [
    part(count('registration'), 'registration', 'succeeded'),
    part(count('call'), 'call', 'answered'),
    part(count('keepalive'), 'keep-alive', 'answered'),
  ].filter(Boolean);
  const top = findings.find((f) => f.severity === 'error') ?? findings.find((f) => f.severity === 'warning');
  const seen = `Seen in this capture: ${countOf(facts.length, 'exchange')}${parts.length ? `; ${parts.join(', ')}` : ''}.`;
  return top ? `${top.title}. ${seen}` : `No problems found. ${seen}`;
}
