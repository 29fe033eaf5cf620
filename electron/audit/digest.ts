// Digest tests with the user's own password only (RFC 7616, RFC 8760): register once, then replay
// that same Authorization (old nonce, same nc and cnonce) to remove the binding again. A server
// that accepts the replay does not track nonce use. Every credentialed request goes through the
// run's AuthGate, so unaccepted ones never exceed the budget of a check.
import { answerChallenge, pickChallenge } from '../../shared/sip/digest.js';
import type { SipResponse } from '../../shared/sip/message.js';
import { USER_AGENT } from '../../shared/sip/requests.js';
import { requestUriOf } from '../../shared/audit/requests.js';
import { REGISTER_EXPIRES_S } from '../engine/register-attempt.js';
import type { AuthVerdict } from '../engine/safety.js';
import type { AuditSession, AuditRun, ExchangeParams, ExchangeResult } from './session.js';

export interface OwnAccount {
  user: string;
  authUser: string;
  password: string;
}

const isChallenge = (r?: SipResponse): r is SipResponse => r?.status === 401 || r?.status === 407;

/** The credentials header answering the challenge of `res` (RFC 3261 §22.2, §22.3), or why not. */
function credentialsFor(run: AuditRun, res: SipResponse, account: OwnAccount): [string, string] | string {
  const picked = pickChallenge(res.challenges.filter((c) => c.header === (res.status === 401 ? 'www-authenticate' : 'proxy-authenticate')));
  if (!picked.ok) return picked.reason;
  const a = answerChallenge({
    challenge: picked.challenge,
    username: account.authUser,
    password: account.password,
    method: 'REGISTER',
    uri: requestUriOf({ method: 'REGISTER', domain: run.domain }),
    cnonce: run.ids.cnonce(),
    nc: 1,
  });
  return [a.headerName, a.headerValue];
}

/** One credentialed REGISTER under the run's AuthGate; null when the budget is spent. */
async function credentialed(run: AuditRun, session: AuditSession, p: ExchangeParams): Promise<ExchangeResult | null> {
  if (!(await run.auth.acquire(run.signal).catch(() => false))) return null;
  const sentBefore = session.result.requestsSent;
  let done: ExchangeResult | undefined;
  try {
    done = await session.exchange(p);
    return done;
  } finally {
    // As in the check: a 2xx (or 423, which comes only after authentication passed) is accepted; anything else may count as a failed login.
    const status = done?.response?.status;
    const verdict: AuthVerdict =
      session.result.requestsSent === sentBefore
        ? 'unsent'
        : status !== undefined && ((status >= 200 && status < 300) || status === 423)
          ? 'accepted'
          : 'unaccepted';
    run.auth.settle(verdict);
  }
}

/**
 * After the unauthenticated REGISTER got `challenge`: register with the own password, replay the
 * Authorization on the removal, and remove the binding properly when the replay is refused.
 * Returns why the test stopped early, or null.
 */
export async function digestReplayTest(run: AuditRun, session: AuditSession, challenge: SipResponse, account: OwnAccount): Promise<string | null> {
  const header = credentialsFor(run, challenge, account);
  if (typeof header === 'string') return `the challenge cannot be answered: ${header}`;
  const base = { test: 'digest', method: 'REGISTER', userAgent: USER_AGENT, fromUser: account.user } as const;
  const registered = await credentialed(run, session, {
    ...base,
    variant: 'credentials',
    expires: REGISTER_EXPIRES_S,
    extra: [header],
    what: 'REGISTER with your own credentials',
  });
  if (!registered) return 'the budget for unaccepted credentials of this run is spent';
  const status = registered.response?.status;
  if (status === undefined || status < 200 || status >= 300)
    return `your credentials were not accepted (${status ?? 'no answer'}): wrong password or auth user?`;
  const attempt = session.result;
  // The binding exists from here on: every path below removes it (Expires 0, our own Contact only).
  const replay = await credentialed(run, session, {
    ...base,
    variant: 'replay',
    expires: 0,
    extra: [header],
    what: 'REGISTER Expires 0 replaying the earlier Authorization (old nonce, same nc)',
  });
  let removed = replay?.response !== undefined && replay.response.status >= 200 && replay.response.status < 300;
  if (!removed && isChallenge(replay?.response)) {
    const fresh = credentialsFor(run, replay!.response, account);
    const removal =
      typeof fresh === 'string'
        ? null
        : await credentialed(run, session, {
            ...base,
            variant: 'remove',
            expires: 0,
            extra: [fresh],
            what: 'REGISTER Expires 0 with fresh credentials (remove our binding)',
          });
    removed = removal?.response !== undefined && removal.response.status >= 200 && removal.response.status < 300;
  }
  Object.assign(attempt, {
    outcome: 'registered',
    status,
    reason: registered.response!.reason,
    unregistered: removed,
    detail: `registered with your credentials; ${removed ? 'binding removed again' : `removing the binding failed, it expires within ${REGISTER_EXPIRES_S} s`}`,
  });
  return null;
}
