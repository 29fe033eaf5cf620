// A SIP ALG seen without a reflector: the registrar's own answers carry what the router did to our
// request (RFC 3261 §18.2.2 copies the top Via back; RFC 3581 adds what the server saw; §10.3 lists
// our binding in the 200 OK), and STUN (a path an ALG ignores) says what the plain NAT does.
import type { AttemptResult, CheckResult } from '../model/results.js';
import { headerValue, type SipMessage } from '../sip/message.js';
import type { DiagnosisContext, Finding, Rule } from './types.js';

interface Clue {
  kind: 'via' | 'contact' | 'received' | 'port';
  what: string;
  /** Whether the clue alone proves a rewrite (an echo that came back changed) or only suggests one. */
  proves: boolean;
  seqs: number[];
  attempt: number;
}

const PRIVATE_V4 = /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\.)/;
/** RFC 1918, RFC 6598 (carrier-grade NAT) and IPv6 unique-local / link-local addresses: never seen by a server on the internet. */
export const isPrivateAddress = (address: string): boolean => PRIVATE_V4.test(address) || /^f[cd]|^fe[89ab]/i.test(address);

const sentBy = (m: SipMessage): string => `${m.via[0]?.host.toLowerCase() ?? ''}:${m.via[0]?.port ?? ''}`;
const hostPort = (host: string, port: number | undefined): string => `${host.toLowerCase()}:${port ?? ''}`;

/** Each request we sent with the first response that answers it (same top-Via branch). */
function exchanges(ctx: DiagnosisContext, a: AttemptResult): Array<{ request: { seq: number; m: SipMessage }; response: { seq: number; m: SipMessage } }> {
  const msgs = ctx.messages(a.id);
  const out: ReturnType<typeof exchanges> = [];
  for (const req of msgs) {
    if (req.event.kind !== 'sent' || req.message.kind !== 'request') continue;
    const branch = req.message.via[0]?.params.branch;
    const res = msgs.find((x) => x.event.kind === 'received' && x.message.kind === 'response' && x.message.via[0]?.params.branch === branch);
    if (branch && res) out.push({ request: { seq: req.event.seq, m: req.message }, response: { seq: res.event.seq, m: res.message } });
  }
  return out;
}

/** Echoes that came back different: the top Via's sent-by, and our binding in a 2xx to REGISTER. */
function echoClues(ctx: DiagnosisContext, a: AttemptResult): Clue[] {
  const clues: Clue[] = [];
  for (const { request, response } of exchanges(ctx, a)) {
    const seqs = [request.seq, response.seq];
    if (sentBy(request.m) !== sentBy(response.m)) {
      clues.push({ kind: 'via', what: `Via sent-by ${sentBy(request.m)} came back as ${sentBy(response.m)}`, proves: true, seqs, attempt: a.id });
    }
    // Only a REGISTER that adds our binding must see it listed (§10.3); the removal's 200 lists the others.
    const adds = request.m.kind === 'request' && request.m.method === 'REGISTER' && headerValue(request.m, 'expires')?.trim() !== '0';
    const ours = request.m.contact === '*' || !adds ? undefined : request.m.contact[0]?.uri;
    const listed = response.m.contact === '*' ? [] : response.m.contact.map((c) => c.uri);
    const status = response.m.kind === 'response' ? response.m.status : 0;
    if (status >= 200 && status < 300 && ours && listed.length && !listed.some((u) => hostPort(u.host, u.port) === hostPort(ours.host, ours.port))) {
      clues.push({
        kind: 'contact',
        what: `our Contact ${hostPort(ours.host, ours.port)} is not among the bindings in the ${status} (${listed.map((u) => hostPort(u.host, u.port)).join(', ')})`,
        proves: false,
        seqs,
        attempt: a.id,
      });
    }
  }
  return clues.slice(0, 2);
}

/** What the server says it saw (received/rport) against what the NAT does on a path no ALG touches (STUN, TCP). */
function addressClues(result: CheckResult, a: AttemptResult, seqs: number[]): Clue[] {
  const clues: Clue[] = [];
  const via = a.via;
  if (!via || !a.localAddress) return clues;
  const stun = result.pathProbes?.stun;
  const publicSeen = [stun?.mapped?.address, ...result.attempts.filter((x) => x.id !== a.id).map((x) => x.via?.received)].filter(
    (x) => x && x !== a.localAddress,
  );
  if (via.received === a.localAddress && isPrivateAddress(a.localAddress) && !isPrivateAddress(a.target.address)) {
    clues.push({
      kind: 'received',
      what: `the server reports our private address ${via.received} as the source${publicSeen.length ? `, while ${publicSeen[0]} is what it or STUN sees elsewhere` : ''}`,
      proves: publicSeen.length > 0,
      seqs,
      attempt: a.id,
    });
  }
  const preserved = stun?.portPreservation.find((p) => p.localPort === a.localPort && p.preserved);
  const plainNat = stun?.mapping === undefined || stun.mapping === 'endpoint-independent';
  if (via.rport !== undefined && a.localPort !== undefined && via.rport !== a.localPort && preserved && plainNat && a.transport === 'udp') {
    clues.push({
      kind: 'port',
      what: `the server saw local port ${a.localPort} as port ${via.rport}, while STUN shows the router keeps port ${a.localPort}`,
      proves: false,
      seqs,
      attempt: a.id,
    });
  }
  return clues;
}

export const passiveAlgRules: Rule = (ctx) => {
  const { result } = ctx;
  // The reflector's mirror is the definitive test; when it saw the rewriting, its finding says it all.
  if (result.pathProbes?.alg?.outcome === 'rewritten') return [];
  const clues = result.attempts
    .filter((a) => a.transport === 'udp' || a.transport === 'tcp')
    .flatMap((a) => {
      const echoes = echoClues(ctx, a);
      const firstAnswer = exchanges(ctx, a)[0];
      return [...echoes, ...addressClues(result, a, firstAnswer ? [firstAnswer.request.seq, firstAnswer.response.seq] : [])];
    })
    .filter((c) => c.seqs.length);
  if (!clues.length) return [];
  // One echo that came back changed proves it; so do two different kinds of hint (one kind seen on several attempts does not).
  const proven = clues.some((c) => c.proves) || new Set(clues.map((c) => c.kind)).size >= 2;
  const affected = [...new Set(clues.map((c) => c.attempt))];
  const labels = result.attempts.filter((a) => affected.includes(a.id)).map((a) => a.label);
  const mirror = result.pathProbes?.alg?.outcome === 'clean' ? " The reflector's mirror saw no rewriting on its own path (another port or address)." : '';
  const finding: Finding = {
    id: 'sip-alg-passive',
    severity: proven ? 'error' : 'warning',
    confidence: proven ? 'high' : 'medium',
    title: proven ? 'Your router rewrites SIP messages (SIP ALG)' : 'Your router may be rewriting SIP messages (SIP ALG)',
    explanation: `The server's answers show that something between this computer and the server changed the addresses inside the SIP messages (${labels.join(', ')}). A "SIP helper" (ALG) in the router does this; it often breaks registration and calls in ways that look random.`,
    technical: `${clues.map((c) => c.what).join('; ')}. RFC 3261 §18.2.2: the response carries the request's top Via unchanged; RFC 3581 §4: received/rport report the source the server saw.${mirror}`,
    evidence: [...new Set(clues.flatMap((c) => c.seqs))],
    attempts: affected,
    fix: ['Turn off "SIP ALG" / "SIP helper" / "SIP passthrough" in the router', 'Or use TLS (an ALG cannot read it) or a local port other than 5060'],
  };
  return [finding];
};
