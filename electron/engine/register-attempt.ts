// One registration attempt over one flow: REGISTER, answer the digest challenge, then remove
// the binding again (RFC 3261 §10.2). It reports what happened; it never judges why.
import { answerChallenge, pickChallenge, type DigestChallenge } from '../../shared/sip/digest.js';
import { idSource, type IdSource } from '../../shared/sip/ids.js';
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
  /** Expires asked for (default REGISTER_EXPIRES_S); the ring test keeps its binding for its whole wait. */
  expires?: number;
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
  /**
   * Runs while the binding exists, between the 2xx and its removal (the ring test waits for an
   * INVITE here on the same flow); the removal follows whatever it does.
   */
  whileRegistered?: (accepted: SipResponse) => Promise<void>;
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
  const t0 = deps.clock.now();
  const traceSeqs: number[] = [];
  const result: AttemptResult = {
    id: plan.id, label: plan.label, transport: plan.transport, target: { ...plan.target }, sourcePortMode: plan.sourcePortMode,
    rport: plan.rport, outcome: 'no-response', detail: '', durationMs: 0, startedAt: trace.elapsed(), requestsSent: 0, retransmissions: 0,
    responsesFromElsewhere: [], traceSeqs,
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
    return finish(ctx, result, t0, opened.outcome, opened.detail);
  }
  result.localPort = opened.flow.channel.local.port;
  result.localAddress = opened.flow.channel.local.address;
  const registration = new Registration(ctx, opened.flow, result, t0);
  try {
    return await registration.run();
  } catch (e) {
    return registration.end('protocol-error', `internal error: ${(e as Error).message}`);
  } finally {
    opened.flow.close();
  }
}

/** Records how the attempt ended (and the final status, if any). */
function finish(ctx: AttemptContext, r: AttemptResult, t0: number, outcome: AttemptOutcome, detail: string, status?: SipResponse): AttemptResult {
  r.outcome = outcome;
  r.detail = detail;
  if (status) {
    r.status = status.status;
    r.reason = status.reason;
  }
  r.durationMs = Math.round(ctx.deps.clock.now() - t0);
  ctx.onStep?.(r.id, `${outcome}: ${detail}`);
  return r;
}

const silence = (tx: Extract<TxOutcome, { kind: 'timeout' }>, what: string): string =>
  `no response to ${what} within ${(tx.waitedMs / 1000).toFixed(1)} s (${tx.cappedByRun ? 'the check deadline' : 'probe deadline'}; RFC 3261 Timer F would wait ${TIMER_F_MS / 1000} s); sent ${tx.sends} time${tx.sends === 1 ? '' : 's'}`;

/** What the loop in run() does next: send another request, or stop with the result. */
type Next = { tx: TxOutcome } | { done: AttemptResult };

/** One registration dialogue on an open flow: its identifiers, digest state and result. */
class Registration {
  private readonly ids: IdSource;
  private readonly wsHost: string;
  private readonly callId: string;
  private readonly fromTag: string;
  private readonly requestUri: string;
  private cseq = 0;
  private nc = 0;
  private challenge: DigestChallenge | undefined;
  private expires: number;
  private authSent = false;
  private staleRetried = false;
  private intervalRetried = false;
  /** The run's auth slot, kept for the request that must follow: a retry after stale=true, or the removal of our binding (see withCredentials). */
  private heldTurn = false;

  constructor(private readonly ctx: AttemptContext, private readonly flow: SipFlow, private readonly result: AttemptResult, private readonly t0: number) {
    this.ids = idSource(ctx.deps.random);
    this.wsHost = `${this.ids.tag()}.invalid`;
    this.callId = this.ids.callId();
    this.fromTag = this.ids.tag();
    const domain = ctx.account.domain;
    this.requestUri = `sip:${domain.includes(':') && !domain.startsWith('[') ? `[${domain}]` : domain}`;
    this.expires = ctx.plan.expires ?? REGISTER_EXPIRES_S;
  }

  end(outcome: AttemptOutcome, detail: string, status?: SipResponse): AttemptResult {
    this.releaseTurn();
    return finish(this.ctx, this.result, this.t0, outcome, detail, status);
  }

  /** A kept turn that was not used goes back to the run's budget. */
  private releaseTurn(): void {
    if (this.heldTurn) this.ctx.auth.settle('unsent');
    this.heldTurn = false;
  }

  async run(): Promise<AttemptResult> {
    let tx = await this.register(this.expires, [], 'REGISTER');
    for (;;) {
      if (tx.kind === 'failure') return this.end(tx.outcome, tx.detail);
      if (tx.kind === 'timeout') {
        return this.authSent ? this.end('challenged-no-answer', `challenged, answered with credentials, then ${silence(tx, 'the authenticated REGISTER')}`) : this.end('no-response', silence(tx, 'REGISTER'));
      }
      const res = tx.msg;
      const next = res.status === 401 || res.status === 407 ? await this.answerChallenge(res)
        : res.status === 423 && !this.intervalRetried ? await this.retryInterval(res) : { done: await this.finalAnswer(res) };
      if ('done' in next) return next.done;
      tx = next.tx;
    }
  }

  /** Sends one REGISTER on the flow and waits for its final response. */
  private register(expires: number, extra: Array<readonly [string, string]>, what: string, signal = this.ctx.signal): Promise<TxOutcome> {
    const { ctx, result } = this;
    const flow = this.flow;
    const branch = this.ids.branch();
    this.cseq++;
    const built = buildRegister({
      transport: ctx.plan.transport, domain: ctx.account.domain, user: ctx.account.user, local: flow.channel.local, rport: ctx.plan.rport,
      branch, callId: this.callId, fromTag: this.fromTag, cseq: this.cseq, expires, extra,
    }, this.wsHost);
    const waitMs = expires === 0 ? UNREGISTER_DEADLINE_MS : REGISTER_DEADLINE_MS;
    ctx.onStep?.(ctx.plan.id, what);
    return flow.transaction(serialize(built.message), { branch, callId: this.callId, method: 'REGISTER' }, waitMs, what, signal).then((tx) => {
      result.requestsSent = flow.stats.requestsSent;
      result.retransmissions = flow.stats.retransmissions;
      result.responsesFromElsewhere = flow.stats.responsesFromElsewhere;
      if (tx.kind === 'response' && !result.via) result.via = viaReport(tx.msg, ctx.plan.rport);
      return tx;
    });
  }

  private credentials(): Array<readonly [string, string]> {
    const { challenge, ctx } = this;
    if (!challenge || ctx.account.password === undefined) return [];
    const a = answerChallenge({ challenge, username: ctx.account.authUser, password: ctx.account.password, method: 'REGISTER', uri: this.requestUri, cnonce: this.ids.cnonce(), nc: ++this.nc });
    return [[a.headerName, a.headerValue]];
  }

  /**
   * One credentialed REGISTER under the run's budget (safety.ts); null when the budget is spent.
   * A stale=true answer keeps this attempt's turn for its one retry, so another attempt's
   * credentials cannot slip in between.
   */
  private async withCredentials(expires: number, what: string, signal = this.ctx.signal): Promise<TxOutcome | null> {
    if (!this.heldTurn && !(await this.ctx.auth.acquire(signal).catch(() => false))) return null;
    this.heldTurn = false;
    const sentBefore = this.flow.stats.requestsSent;
    let tx: TxOutcome | undefined;
    try {
      tx = await this.register(expires, this.credentials(), what, signal);
      return tx;
    } finally {
      const verdict = this.flow.stats.requestsSent === sentBefore ? 'unsent' : credentialVerdict(tx);
      // Keep the turn for the request that must follow: the one retry after stale=true, or the
      // removal of a binding the server just accepted (its slot is reserved from here on, so other
      // attempts' failures can never leave a binding behind unremovable).
      const keep = verdict === 'unaccepted' ? !this.staleRetried && isStaleChallenge(tx) : verdict === 'accepted' && expires > 0;
      this.heldTurn = this.ctx.auth.settle(verdict, keep);
    }
  }

  private budgetSpent(res: SipResponse, why: string): Next {
    if (this.ctx.signal.aborted) return { done: this.end('aborted', 'cancelled') };
    return { done: this.end('auth-skipped', `${why}; credentials not sent because ${this.ctx.auth.failureCount} credentialed requests of this run were not accepted (ban protection)`, res) };
  }

  /** 401/407: answer the challenge, or stop when the credentials were already refused. */
  private async answerChallenge(res: SipResponse): Promise<Next> {
    const picked = challengeOf(res);
    // A fresh nonce with stale=true means only the nonce expired (RFC 7616 §3.3): retry once. The
    // server may still count the stale request as a failed login, so the budget counts it too.
    const staleRetry: boolean = this.authSent && picked.ok && picked.challenge.stale && !this.staleRetried;
    if (this.authSent && !staleRetry) {
      return { done: this.end('auth-failed', `credentials rejected: ${res.status} ${res.reason} again after authenticating${this.staleRetried ? ' (stale=true twice)' : ' (wrong password or auth user?)'}`, res) };
    }
    if (!picked.ok) return { done: this.end('auth-skipped', `challenged (${res.status}) but cannot answer: ${picked.reason}`, res) };
    this.challenge = picked.challenge;
    this.nc = 0;
    if (this.ctx.account.password === undefined) return { done: this.end('auth-skipped', `challenged (${res.status}); no password was given, so no credentials were sent`, res) };
    this.staleRetried ||= staleRetry;
    const tx = await this.withCredentials(this.expires, staleRetry ? 'REGISTER with credentials (fresh nonce after stale=true)' : 'REGISTER with credentials');
    if (!tx) return this.budgetSpent(res, `challenged (${res.status}${staleRetry ? ', stale=true' : ''})`);
    this.authSent = true;
    return { tx };
  }

  /** 423 (RFC 3261 §10.2.8): retry once with the server's Min-Expires. */
  private async retryInterval(res: SipResponse): Promise<Next> {
    this.intervalRetried = true;
    const min = Number(res.headers.find((h) => h.key === 'min-expires')?.value);
    if (!(Number.isFinite(min) && min > 0 && min <= 86400)) return { done: await this.finalAnswer(res) };
    this.expires = min;
    const what = `REGISTER with Expires ${min} (Min-Expires)`;
    const tx = this.authSent ? await this.withCredentials(min, what) : await this.register(min, [], what);
    return tx ? { tx } : this.budgetSpent(res, 'asked for a longer Expires (423)');
  }

  private async finalAnswer(res: SipResponse): Promise<AttemptResult> {
    if (res.status >= 200 && res.status < 300) {
      // Not end(): the turn kept for the removal must stay with this attempt until unregister().
      finish(this.ctx, this.result, this.t0, 'registered', `registered: ${res.status} ${res.reason}`, res);
      try {
        await this.ctx.whileRegistered?.(res);
      } finally {
        await this.unregister();
      }
      this.result.durationMs = Math.round(this.ctx.deps.clock.now() - this.t0);
      return this.result;
    }
    if (res.status >= 300 && res.status < 400) {
      const to = res.contact === '*' ? [] : res.contact.map((c) => c.uri.raw);
      return this.end('redirected', `redirected: ${res.status} ${res.reason}${to.length ? ' to ' + to.join(', ') : ''}`, res);
    }
    if (this.authSent && res.status === 403) return this.end('auth-failed', `credentials rejected: ${res.status} ${res.reason}`, res);
    return this.end('rejected', `${res.status} ${res.reason}${this.authSent ? ' (after authenticating)' : ''}`, res);
  }

  /** Removes exactly the binding we created: same Contact, Expires 0 (never "Contact: *"). */
  private async unregister(): Promise<void> {
    const own = new AbortController().signal; // not the run's signal: cancelling must not leave a binding behind
    let tx = await this.withCredentials(0, 'REGISTER Expires 0 (remove our binding)', own);
    if (tx?.kind === 'response' && (tx.msg.status === 401 || tx.msg.status === 407)) {
      const picked = pickChallenge(tx.msg.challenges);
      if (picked.ok) {
        this.challenge = picked.challenge;
        this.nc = 0;
        tx = await this.withCredentials(0, 'REGISTER Expires 0 with fresh credentials', own);
      }
    }
    this.releaseTurn();
    const r = this.result;
    r.unregistered = tx?.kind === 'response' && tx.msg.status >= 200 && tx.msg.status < 300;
    const why = !tx ? 'not sent: the run\'s budget for unaccepted credentials is spent' : tx.kind === 'response' ? `${tx.msg.status} ${tx.msg.reason}` : tx.kind;
    if (!r.unregistered) r.detail += `; removing the binding failed (${why}), it expires within ${this.expires} s`;
  }
}

/** The challenge a 401 (WWW-Authenticate) or 407 (Proxy-Authenticate) asks us to answer (RFC 3261 §22.2, §22.3). */
function challengeOf(res: SipResponse): ReturnType<typeof pickChallenge> {
  return pickChallenge(res.challenges.filter((c) => c.header === (res.status === 401 ? 'www-authenticate' : 'proxy-authenticate')));
}

/** A 401/407 whose challenge says only the nonce was stale (RFC 7616 §3.3). */
function isStaleChallenge(tx: TxOutcome | undefined): boolean {
  if (tx?.kind !== 'response' || (tx.msg.status !== 401 && tx.msg.status !== 407)) return false;
  const picked = challengeOf(tx.msg);
  return picked.ok && picked.challenge.stale;
}

/** Whether a credentialed request was accepted; a 423 comes only after authentication passed (RFC 3261 §10.3 steps 3 and 7). */
function credentialVerdict(tx: TxOutcome | undefined): AuthVerdict {
  if (tx?.kind !== 'response') return 'unaccepted';
  return (tx.msg.status >= 200 && tx.msg.status < 300) || tx.msg.status === 423 ? 'accepted' : 'unaccepted';
}
