// One registration attempt over one flow: REGISTER, answer the digest challenge, then remove
// the binding again (RFC 3261 §10.2). It reports what happened; it never judges why.
import { answerChallenge, pickChallenge, type DigestChallenge } from '../../shared/sip/digest.js';
import { idSource } from '../../shared/sip/ids.js';
import type { SipResponse } from '../../shared/sip/message.js';
import { buildRegister } from '../../shared/sip/requests.js';
import { serialize } from '../../shared/sip/serialize.js';
import { TIMER_F_MS } from '../../shared/sip/timers.js';
import type { AttemptOutcome, AttemptResult, SourcePortMode } from '../../shared/model/results.js';
import type { Transport } from '../../shared/model/trace.js';
import type { EngineDeps } from './deps.js';
import type { Target } from './dns.js';
import type { AuthGate, AuthVerdict, RateLimiter } from './safety.js';
import { SipFlow, type TxOutcome } from './sip-flow.js';
import type { TraceRecorder } from './trace-recorder.js';

/** Wait for a final response to one REGISTER; covers Timer E sends at 0, 0.5, 1.5 s (and 3.5 s when the deadline allows). */
export const REGISTER_DEADLINE_MS = 3500;
/** Wait for the response to the de-registration. */
export const UNREGISTER_DEADLINE_MS = 1500;
/** Short-lived bindings: if the removal is lost, the server drops the binding soon anyway. */
export const REGISTER_EXPIRES_S = 60;

export interface AttemptPlan {
  id: number;
  label: string;
  transport: Transport;
  target: Target;
  sourcePortMode: SourcePortMode;
  localPort?: number;
  rport: boolean;
}

export interface AttemptContext {
  plan: AttemptPlan;
  account: { user: string; authUser: string; domain: string; password?: string };
  deps: EngineDeps;
  trace: TraceRecorder;
  rate: RateLimiter;
  auth: AuthGate;
  signal: AbortSignal;
  /** Absolute deadline (deps.clock time) for the whole attempt. */
  deadlineAt: number;
  tlsVerify: boolean;
  caPem?: string;
  wsPath: string;
  onStep?: (attempt: number, text: string) => void;
}

/** What the server reported about our top Via (RFC 3581 §4 received/rport). */
function viaReport(res: SipResponse, rportRequested: boolean): AttemptResult['via'] {
  const v = res.via[0];
  if (!v) return undefined;
  const rport = v.params.rport;
  return { sentBy: `${v.host}${v.port !== undefined ? ':' + v.port : ''}`, rportRequested, received: v.params.received ?? undefined, rport: rport ? Number(rport) : undefined };
}

/** Runs one attempt; always resolves, never throws. */
export async function runRegisterAttempt(ctx: AttemptContext): Promise<AttemptResult> {
  const { plan, deps, trace } = ctx;
  const startedAt = trace.elapsed();
  const t0 = deps.clock.now();
  const traceSeqs: number[] = [];
  const result: AttemptResult = {
    id: plan.id, label: plan.label, transport: plan.transport, target: { ...plan.target }, sourcePortMode: plan.sourcePortMode,
    rport: plan.rport, outcome: 'no-response', detail: '', durationMs: 0, startedAt, requestsSent: 0, retransmissions: 0,
    responsesFromElsewhere: [], traceSeqs,
  };
  const end = (outcome: AttemptOutcome, detail: string, status?: SipResponse): AttemptResult => {
    result.outcome = outcome;
    result.detail = detail;
    if (status) {
      result.status = status.status;
      result.reason = status.reason;
    }
    result.durationMs = Math.round(deps.clock.now() - t0);
    ctx.onStep?.(plan.id, `${outcome}: ${detail}`);
    return result;
  };

  const remote = { address: plan.target.address, port: plan.target.port };
  ctx.onStep?.(plan.id, `connecting to ${plan.target.host} (${remote.address}:${remote.port}) over ${plan.transport.toUpperCase()}`);
  const opened = await SipFlow.open({
    attempt: plan.id, transport: plan.transport, host: plan.target.host, remote, localPort: plan.localPort, tlsVerify: ctx.tlsVerify,
    caPem: ctx.caPem, wsPath: ctx.wsPath, deps, trace, rate: ctx.rate, signal: ctx.signal, deadlineAt: ctx.deadlineAt, traceSeqs,
  });
  if (opened.tls) result.tls = opened.tls;
  if (!opened.ok) {
    result.localPort = opened.localPort;
    return end(opened.outcome, opened.detail);
  }
  const flow = opened.flow;
  const channel = flow.channel;
  result.localPort = channel.local.port;
  result.localAddress = channel.local.address;
  const syncStats = (): void => {
    result.requestsSent = flow.stats.requestsSent;
    result.retransmissions = flow.stats.retransmissions;
    result.responsesFromElsewhere = flow.stats.responsesFromElsewhere;
  };

  const ids = idSource(deps.random);
  const wsHost = `${ids.tag()}.invalid`;
  const callId = ids.callId();
  const fromTag = ids.tag();
  let cseq = 0;

  const register = (expires: number, extra: Array<readonly [string, string]>, what: string, signal = ctx.signal): Promise<TxOutcome> => {
    const branch = ids.branch();
    cseq++;
    const built = buildRegister({
      transport: plan.transport, domain: ctx.account.domain, user: ctx.account.user, local: channel.local, rport: plan.rport,
      branch, callId, fromTag, cseq, expires, extra,
    }, wsHost);
    const waitMs = expires === 0 ? UNREGISTER_DEADLINE_MS : REGISTER_DEADLINE_MS;
    ctx.onStep?.(plan.id, what);
    return flow.transaction(serialize(built.message), { branch, callId, method: 'REGISTER' }, waitMs, what, signal).then((tx) => {
      syncStats();
      if (tx.kind === 'response' && !result.via) result.via = viaReport(tx.msg, plan.rport);
      return tx;
    });
  };
  const requestUri = `sip:${ctx.account.domain.includes(':') && !ctx.account.domain.startsWith('[') ? `[${ctx.account.domain}]` : ctx.account.domain}`;
  let nc = 0;
  let challenge: DigestChallenge | undefined;
  const credentials = (): Array<readonly [string, string]> => {
    if (!challenge || ctx.account.password === undefined) return [];
    const a = answerChallenge({ challenge, username: ctx.account.authUser, password: ctx.account.password, method: 'REGISTER', uri: requestUri, cnonce: ids.cnonce(), nc: ++nc });
    return [[a.headerName, a.headerValue]];
  };
  /** One credentialed REGISTER under the run's budget (safety.ts); null when the budget is spent. */
  const withCredentials = async (expires: number, what: string, signal = ctx.signal): Promise<TxOutcome | null> => {
    if (!(await ctx.auth.acquire(signal).catch(() => false))) return null;
    const sentBefore = flow.stats.requestsSent;
    let tx: TxOutcome | undefined;
    try {
      tx = await register(expires, credentials(), what, signal);
      return tx;
    } finally {
      ctx.auth.settle(flow.stats.requestsSent === sentBefore ? 'unsent' : credentialVerdict(tx));
    }
  };
  const budgetSpent = (res: SipResponse, why: string): AttemptResult => ctx.signal.aborted ? end('aborted', 'cancelled')
    : end('auth-skipped', `${why}; credentials not sent because ${ctx.auth.failureCount} credentialed requests of this run were not accepted (ban protection)`, res);
  const silence = (tx: Extract<TxOutcome, { kind: 'timeout' }>, what: string): string =>
    `no response to ${what} within ${(tx.waitedMs / 1000).toFixed(1)} s (${tx.cappedByRun ? 'the check deadline' : 'probe deadline'}; RFC 3261 Timer F would wait ${TIMER_F_MS / 1000} s); sent ${tx.sends} time${tx.sends === 1 ? '' : 's'}`;

  try {
    let expires = REGISTER_EXPIRES_S;
    let tx = await register(expires, [], 'REGISTER');
    let authSent = false;
    let staleRetried = false;
    let intervalRetried = false;
    for (;;) {
      if (tx.kind === 'failure') return end(tx.outcome, tx.detail);
      if (tx.kind === 'timeout') {
        return authSent ? end('challenged-no-answer', `challenged, answered with credentials, then ${silence(tx, 'the authenticated REGISTER')}`) : end('no-response', silence(tx, 'REGISTER'));
      }
      const res = tx.msg;
      if (res.status === 401 || res.status === 407) {
        const picked = pickChallenge(res.challenges.filter((c) => c.header === (res.status === 401 ? 'www-authenticate' : 'proxy-authenticate')));
        // A fresh nonce with stale=true means only the nonce expired (RFC 7616 §3.3): retry once. The
        // server may still count the stale request as a failed login, so the budget counts it too.
        const staleRetry: boolean = authSent && picked.ok && picked.challenge.stale && !staleRetried;
        if (authSent && !staleRetry) return end('auth-failed', `credentials rejected: ${res.status} ${res.reason} again after authenticating${staleRetried ? ' (stale=true twice)' : ' (wrong password or auth user?)'}`, res);
        if (!picked.ok) return end('auth-skipped', `challenged (${res.status}) but cannot answer: ${picked.reason}`, res);
        challenge = picked.challenge;
        nc = 0;
        if (ctx.account.password === undefined) return end('auth-skipped', `challenged (${res.status}); no password was given, so no credentials were sent`, res);
        staleRetried ||= staleRetry;
        const next = await withCredentials(expires, staleRetry ? 'REGISTER with credentials (fresh nonce after stale=true)' : 'REGISTER with credentials');
        if (!next) return budgetSpent(res, `challenged (${res.status}${staleRetry ? ', stale=true' : ''})`);
        authSent = true;
        tx = next;
        continue;
      }
      if (res.status === 423 && !intervalRetried) {
        // §10.2.8: retry once with the server's Min-Expires.
        intervalRetried = true;
        const min = Number(res.headers.find((h) => h.key === 'min-expires')?.value);
        if (Number.isFinite(min) && min > 0 && min <= 86400) {
          expires = min;
          const what = `REGISTER with Expires ${min} (Min-Expires)`;
          const next = authSent ? await withCredentials(expires, what) : await register(expires, [], what);
          if (!next) return budgetSpent(res, 'asked for a longer Expires (423)');
          tx = next;
          continue;
        }
      }
      if (res.status >= 200 && res.status < 300) {
        end('registered', `registered: ${res.status} ${res.reason}`, res);
        await unregister();
        result.durationMs = Math.round(deps.clock.now() - t0);
        return result;
      }
      if (res.status >= 300 && res.status < 400) {
        const to = res.contact === '*' ? [] : res.contact.map((c) => c.uri.raw);
        return end('redirected', `redirected: ${res.status} ${res.reason}${to.length ? ' to ' + to.join(', ') : ''}`, res);
      }
      if (authSent && res.status === 403) return end('auth-failed', `credentials rejected: ${res.status} ${res.reason}`, res);
      return end('rejected', `${res.status} ${res.reason}${authSent ? ' (after authenticating)' : ''}`, res);
    }
  } catch (e) {
    return end('protocol-error', `internal error: ${(e as Error).message}`);
  } finally {
    flow.close();
  }

  /** Removes exactly the binding we created: same Contact, Expires 0 (never "Contact: *"). */
  async function unregister(): Promise<void> {
    const own = new AbortController().signal; // not the run's signal: cancelling must not leave a binding behind
    let tx = await withCredentials(0, 'REGISTER Expires 0 (remove our binding)', own);
    if (tx?.kind === 'response' && (tx.msg.status === 401 || tx.msg.status === 407)) {
      const picked = pickChallenge(tx.msg.challenges);
      if (picked.ok) {
        challenge = picked.challenge;
        nc = 0;
        tx = await withCredentials(0, 'REGISTER Expires 0 with fresh credentials', own);
      }
    }
    result.unregistered = tx?.kind === 'response' && tx.msg.status >= 200 && tx.msg.status < 300;
    const why = !tx ? 'not sent: the run\'s budget for unaccepted credentials is spent' : tx.kind === 'response' ? `${tx.msg.status} ${tx.msg.reason}` : tx.kind;
    if (!result.unregistered) result.detail += `; removing the binding failed (${why}), it expires within ${REGISTER_EXPIRES_S} s`;
  }
}

/** Whether a credentialed request was accepted; a 423 comes only after authentication passed (RFC 3261 §10.3 steps 3 and 7). */
function credentialVerdict(tx: TxOutcome | undefined): AuthVerdict {
  if (tx?.kind !== 'response') return 'unaccepted';
  return (tx.msg.status >= 200 && tx.msg.status < 300) || tx.msg.status === 423 ? 'accepted' : 'unaccepted';
}
