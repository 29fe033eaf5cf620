// The SIP tests of the exposure audit, each a few requests on flows of its own: scanners'
// User-Agents, the supplied user against a random one (what svwar exploits), requests without
// credentials, the digest replay. They report what the server answered; shared/audit judges.
import { SCANNER_USER_AGENTS, type AuditRecord } from '../../shared/audit/model.js';
import { USER_AGENT } from '../../shared/sip/requests.js';
import type { Target } from '../engine/dns.js';
import { digestReplayTest, type OwnAccount } from './digest.js';
import { AuditSession, type AuditRun, type ExchangeParams } from './session.js';

/** Runs `body` on a new flow and closes it; nothing is run when the flow cannot be opened. */
async function onFlow(run: AuditRun, label: string, target: Target, body: (s: AuditSession) => Promise<void>, transport: 'udp' | 'tls' = 'udp'): Promise<void> {
  const { session } = await AuditSession.open(run, label, transport, target);
  if (!session) return;
  try {
    await body(session);
  } finally {
    session.close();
  }
}

/** OPTIONS with our own User-Agent, then one per scanner, each from its own flow (a block of one must not hide the next). */
export async function scannerTest(run: AuditRun, target: Target, record: AuditRecord): Promise<void> {
  const options = (userAgent: string, variant: 'baseline' | 'scanner'): Promise<void> =>
    onFlow(run, `OPTIONS as ${userAgent === USER_AGENT ? 'SIP Ladder' : userAgent}`, target, async (s) => {
      await s.exchange({ test: 'scanner', variant, method: 'OPTIONS', userAgent, fromUser: record.randomUser, what: `OPTIONS with User-Agent ${userAgent}` });
    });
  await Promise.all([options(USER_AGENT, 'baseline'), ...SCANNER_USER_AGENTS.map((ua) => options(ua, 'scanner'))]);
}

/**
 * REGISTER, OPTIONS and INVITE without credentials for the supplied user and for a random one, on
 * one flow per method so the two answers sit side by side on the ladder. REGISTER uses Expires 0:
 * even a server that takes it without credentials gets no binding from us. With the user's own
 * password, the digest replay follows on the REGISTER flow.
 */
export async function enumerationTests(run: AuditRun, target: Target, record: AuditRecord, account?: Partial<OwnAccount>): Promise<void> {
  const user = record.existingUser;
  const pair =
    (method: ExchangeParams['method']) =>
    async (s: AuditSession): Promise<void> => {
      const base = { test: 'enumeration', method, userAgent: USER_AGENT } as const;
      const who = (u: string): Pick<ExchangeParams, 'fromUser' | 'toUser' | 'expires'> =>
        method === 'REGISTER' ? { fromUser: u, expires: 0 } : { fromUser: record.randomUser, toUser: u };
      if (user !== undefined) {
        const first = await s.exchange({ ...base, variant: 'existing', ...who(user), what: `${method} for ${user} without credentials` });
        if (method === 'REGISTER' && account?.password !== undefined && first.response && (first.response.status === 401 || first.response.status === 407)) {
          const stopped = await digestReplayTest(run, s, first.response, { user, authUser: account.authUser ?? user, password: account.password });
          if (stopped) record.skipped.push({ test: 'digest', reason: `nonce replay not tested: ${stopped}` });
        }
      }
      await s.exchange({
        ...base,
        variant: 'random',
        ...who(record.randomUser),
        what: `${method} for a random user (${record.randomUser}) without credentials`,
      });
    };
  const methods = user !== undefined ? (['REGISTER', 'OPTIONS', 'INVITE'] as const) : (['REGISTER'] as const);
  for (const method of methods) await onFlow(run, `${method}: ${user !== undefined ? `${user} and ` : ''}a random user`, target, pair(method));
}

/** INVITE to an outside number without credentials: an open relay forwards it (cancelled at once). */
export async function openRelayTest(run: AuditRun, target: Target, record: AuditRecord): Promise<void> {
  await onFlow(run, `INVITE to ${record.externalNumber} without credentials`, target, async (s) => {
    await s.exchange({
      test: 'unauthenticated',
      variant: 'external',
      method: 'INVITE',
      userAgent: USER_AGENT,
      fromUser: record.existingUser ?? record.randomUser,
      toUser: record.externalNumber,
      what: `INVITE to the outside number ${record.externalNumber} without credentials`,
    });
  });
}

/** One OPTIONS over TLS: the certificate report of the check (verified, names, validity) and the SIP answer. */
export async function tlsOptionsTest(run: AuditRun, target: Target, record: AuditRecord): Promise<void> {
  await onFlow(
    run,
    'OPTIONS over TLS',
    target,
    async (s) => {
      await s.exchange({ test: 'transport', variant: 'tls', method: 'OPTIONS', userAgent: USER_AGENT, fromUser: record.randomUser, what: 'OPTIONS over TLS' });
    },
    'tls',
  );
}
