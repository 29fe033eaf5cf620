// Audit rules over the SIP answers: version leak, scanner handling, user enumeration, requests
// without credentials (open relay), topology leaks. Each test gives one finding either way, so the
// report says what was fine too (severity info).
import type { Finding } from '../diagnosis/types.js';
import { fixesFor } from './fixes.js';
import { answerText, attemptsOf, evidenceOf, exchangesOf, finding, type AuditRule } from './finding.js';
import { topologyLeaks, versionLeaks } from './leaks.js';
import type { AuditExchange } from './model.js';

/** A timing difference that counts for enumeration: this many ms and this factor, both (one sample each, so only a hint). */
export const ENUMERATION_TIMING_MS = 100;
export const ENUMERATION_TIMING_FACTOR = 3;

const versionRule: AuditRule = (_r, ctx) => {
  const leaks = versionLeaks(ctx);
  if (!leaks.length) return [];
  return [
    finding(
      'version-leak',
      'warning',
      {
        title: 'The server tells everyone its software and version',
        explanation: 'Anyone who sends one request learns which software and version answers, and can look up its known holes.',
        technical: leaks.map((l) => `${l.where}: ${l.value} (seq ${l.seq})`).join('; '),
        fix: fixesFor('version'),
      },
      leaks.map((l) => l.seq),
      [],
    ),
  ];
};

const scannerRule: AuditRule = (r) => {
  const baseline = exchangesOf(r.audit, 'scanner', 'baseline')[0];
  const scanners = exchangesOf(r.audit, 'scanner', 'scanner');
  if (!scanners.length) return [];
  const list = (xs: AuditExchange[]): string => xs.map((x) => `${x.userAgent}: ${answerText(x)}`).join('; ');
  const technical = `OPTIONS with our own User-Agent: ${baseline ? answerText(baseline) : 'not sent'}; ${list(scanners)}`;
  const evidence = evidenceOf(baseline ? [baseline, ...scanners] : scanners);
  const answered = scanners.filter((x) => x.status !== undefined && x.status !== 403);
  const refused = scanners.filter((x) => x.status === 403);
  if (answered.length) {
    return [
      finding(
        'scanners-answered',
        'warning',
        {
          title: 'The server answers well-known SIP scanners',
          explanation: `Requests that call themselves ${answered.map((x) => x.userAgent).join(', ')} got an answer. Scanners use that answer to find servers to attack; a server that stays silent for them is passed by.`,
          technical,
          fix: fixesFor('scanners'),
        },
        evidence,
        attemptsOf(scanners),
      ),
    ];
  }
  if (baseline?.status === undefined) {
    return [
      finding(
        'scanners-inconclusive',
        'info',
        {
          title: 'Scanner handling could not be told apart',
          explanation: 'The server did not answer our own OPTIONS either, so its silence towards scanners says nothing.',
          technical,
          fix: [],
        },
        evidence,
        attemptsOf(scanners),
        'low',
      ),
    ];
  }
  if (refused.length) {
    return [
      finding(
        'scanners-refused',
        'info',
        {
          title: 'Scanners are refused with 403',
          explanation: 'Known scanners get a refusal. That is safe, though a silent drop is better: any answer confirms a SIP server is there.',
          technical,
          fix: fixesFor('scanners'),
        },
        evidence,
        attemptsOf(scanners),
      ),
    ];
  }
  return [
    finding(
      'scanners-dropped',
      'info',
      {
        title: 'Scanners get no answer',
        explanation: 'Requests from well-known scanners are dropped silently while ours are answered: the best handling.',
        technical,
        fix: [],
      },
      evidence,
      attemptsOf(scanners),
    ),
  ];
};

/** How the answers to the existing and the random user differ, in words ('' when they do not). */
function difference(a: AuditExchange, b: AuditExchange): { how: string; timingOnly: boolean } {
  if (a.status !== b.status) return { how: `status ${answerText(a)} vs ${answerText(b)}`, timingOnly: false };
  if (a.realm !== b.realm) return { how: `realm "${a.realm ?? ''}" vs "${b.realm ?? ''}"`, timingOnly: false };
  if (a.rttMs !== undefined && b.rttMs !== undefined) {
    const [lo, hi] = [Math.min(a.rttMs, b.rttMs), Math.max(a.rttMs, b.rttMs)];
    if (hi - lo >= ENUMERATION_TIMING_MS && hi >= lo * ENUMERATION_TIMING_FACTOR)
      return { how: `answer time ${a.rttMs} ms vs ${b.rttMs} ms`, timingOnly: true };
  }
  return { how: '', timingOnly: false };
}

const enumerationRule: AuditRule = (r) => {
  const existing = exchangesOf(r.audit, 'enumeration', 'existing');
  if (!existing.length) return [];
  const pairs = existing.flatMap((e) => {
    const random = exchangesOf(r.audit, 'enumeration', 'random').find((x) => x.method === e.method);
    return random ? [{ e, random, ...difference(e, random) }] : [];
  });
  const technical = pairs
    .map(
      (p) =>
        `${p.e.method}: ${r.audit.existingUser} → ${answerText(p.e)}${p.e.rttMs !== undefined ? ` (${p.e.rttMs} ms)` : ''}, ${r.audit.randomUser} → ${answerText(p.random)}${p.random.rttMs !== undefined ? ` (${p.random.rttMs} ms)` : ''}`,
    )
    .join('; ');
  const telling = pairs.filter((p) => p.how);
  const all = pairs.flatMap((p) => [p.e, p.random]);
  if (!telling.length) {
    return [
      finding(
        'user-enumeration-none',
        'info',
        {
          title: 'Existing and unknown users get the same answers',
          explanation: 'A scanner cannot tell from the answers which user names exist.',
          technical,
          fix: [],
        },
        evidenceOf(all),
        attemptsOf(all),
      ),
    ];
  }
  const timingOnly = telling.every((p) => p.timingOnly);
  return [
    finding(
      'user-enumeration',
      'warning',
      {
        title: timingOnly ? 'Existing users may be told apart by answer time' : 'The server tells which user names exist',
        explanation: `Asked about ${r.audit.existingUser} and about a user that does not exist, the server answered differently (${telling.map((p) => `${p.e.method}: ${p.how}`).join('; ')}). Tools such as svwar use this to list your users, then guess their passwords.`,
        technical,
        fix: fixesFor('enumeration'),
      },
      evidenceOf(telling.flatMap((p) => [p.e, p.random])),
      attemptsOf(all),
      timingOnly ? 'low' : 'high',
    ),
  ];
};

const is2xx = (s?: number): boolean => s !== undefined && s >= 200 && s < 300;

function relayFinding(invite: AuditExchange, number: string): Finding {
  const evidence = evidenceOf([invite]);
  const technical = `INVITE sip:${number} without credentials: ${answerText(invite)}`;
  const ringing = invite.provisional.some((s) => s > 100) || is2xx(invite.status);
  if (ringing) {
    return finding(
      'open-relay',
      'error',
      {
        title: 'Calls to outside numbers go through without a password',
        explanation: `An INVITE to ${number} without any credentials was forwarded (the server answered ${answerText(invite)}); we cancelled it at once. Anyone on the internet can make calls at your cost (toll fraud).`,
        technical,
        fix: fixesFor('invite-auth'),
      },
      evidence,
      [invite.attempt],
    );
  }
  const challenged = invite.status === 401 || invite.status === 407;
  if (invite.provisional.includes(100) && !challenged) {
    return finding(
      'invite-processed-without-credentials',
      'warning',
      {
        title: 'A call to an outside number was processed without a password',
        explanation: `The server accepted an INVITE to ${number} without credentials for processing (100 Trying) and then answered ${answerText(invite)} instead of asking for a password. It probably tried to route it.`,
        technical,
        fix: fixesFor('invite-auth'),
      },
      evidence,
      [invite.attempt],
      'medium',
    );
  }
  return finding(
    challenged ? 'invite-challenged' : 'invite-refused',
    'info',
    {
      title: challenged ? 'Calls without a password are challenged' : 'Calls without a password are refused',
      explanation: `An INVITE to ${number} without credentials got ${answerText(invite)}.`,
      technical,
      fix: [],
    },
    evidence,
    [invite.attempt],
  );
}

const unauthenticatedRule: AuditRule = (r) => {
  const out: Finding[] = [];
  const registers = r.audit.exchanges.filter((x) => x.method === 'REGISTER' && (x.variant === 'existing' || x.variant === 'random'));
  const accepted = registers.filter((x) => is2xx(x.status));
  if (accepted.length) {
    out.push(
      finding(
        'register-without-credentials',
        'error',
        {
          title: 'Registrations are accepted without a password',
          explanation:
            'A REGISTER without any credentials was accepted (ours asked for no binding: Expires 0). Anyone can register as your users and receive their calls.',
          technical: accepted
            .map(
              (x) => `REGISTER (${x.variant === 'random' ? `random user ${r.audit.randomUser}` : r.audit.existingUser}) without credentials: ${answerText(x)}`,
            )
            .join('; '),
          fix: fixesFor('register-auth'),
        },
        evidenceOf(accepted),
        attemptsOf(accepted),
      ),
    );
  }
  const external = exchangesOf(r.audit, 'unauthenticated', 'external')[0];
  if (external && (external.status !== undefined || external.provisional.length)) out.push(relayFinding(external, r.audit.externalNumber));
  const options = exchangesOf(r.audit, 'scanner', 'baseline')[0];
  if (options && is2xx(options.status)) {
    out.push(
      finding(
        'options-answered',
        'info',
        {
          title: 'OPTIONS are answered for anyone',
          explanation:
            'Anyone can check that this SIP server is up. Phones use this as a keep-alive, so it is usually wanted; it also confirms the server to scanners.',
          technical: `OPTIONS without credentials: ${answerText(options)}`,
          fix: [],
        },
        evidenceOf([options]),
        [options.attempt],
      ),
    );
  }
  return out;
};

const topologyRule: AuditRule = (_r, ctx) => {
  const leaks = topologyLeaks(ctx);
  if (!leaks.length) return [];
  return [
    finding(
      'topology-leak',
      'warning',
      {
        title: 'Answers reveal addresses inside your network',
        explanation: `The server's answers carry private addresses or internal names (${[...new Set(leaks.map((l) => l.value))].join(', ')}), which map your network for an attacker and often break calls through NAT.`,
        technical: leaks.map((l) => `${l.where}: ${l.value} (seq ${l.seq})`).join('; '),
        fix: fixesFor('topology'),
      },
      [...new Set(leaks.map((l) => l.seq))],
      [],
    ),
  ];
};

export const SIP_AUDIT_RULES: readonly AuditRule[] = [unauthenticatedRule, enumerationRule, scannerRule, versionRule, topologyRule];
