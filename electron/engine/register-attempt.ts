// One registration attempt over one flow: REGISTER, answer the digest challenge, then remove
// the binding again (RFC 3261 §10.2). It reports what happened; it never judges why.
import { answerChallenge } from '../../shared/sip/digest.js';
import { idSource, type IdSource } from '../../shared/sip/ids.js';
import type { SipResponse } from '../../shared/sip/message.js';
import { buildRegister } from '../../shared/sip/requests.js';
import { serialize } from '../../shared/sip/serialize.js';
import type { AttemptOutcome, AttemptResult, SourcePortMode } from '../../shared/model/results.js';
import type { Transport } from '../../shared/model/trace.js';
import type { EngineDeps } from './deps.js';
import type { Target } from './dns.js';
import { next, REGISTER_EXPIRES_S, startRegistration, type RegAction, type RegEvent } from './registration.js';
import type { AuthGate, RateLimiter } from './safety.js';
import { SipFlow, type TxOutcome } from './sip-flow.js';
import type { TraceRecorder } from './trace-recorder.js';

/** Wait for a final response to one REGISTER; covers Timer E sends at 0, 0.5, 1.5 s (and 3.5 s when the deadline allows). */
export const REGISTER_DEADLINE_MS = 3500;
/** Wait for the response to the de-registration. */
export const UNREGISTER_DEADLINE_MS = 1500;
export { REGISTER_EXPIRES_S };

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
  return {
    sentBy: `${v.host}${v.port !== undefined ? ':' + v.port : ''}`,
    rportRequested,
    received: v.params.received ?? undefined,
    rport: rport ? Number(rport) : undefined,
  };
}

/** Runs one attempt; always resolves, never throws. */
export async function runRegisterAttempt(ctx: AttemptContext): Promise<AttemptResult> {
  const { plan, deps, trace } = ctx;
  const t0 = deps.clock.now();
  const traceSeqs: number[] = [];
  const result: AttemptResult = {
    id: plan.id,
    label: plan.label,
    transport: plan.transport,
    target: { ...plan.target },
    sourcePortMode: plan.sourcePortMode,
    rport: plan.rport,
    outcome: 'no-response',
    detail: '',
    durationMs: 0,
    startedAt: trace.elapsed(),
    requestsSent: 0,
    retransmissions: 0,
    responsesFromElsewhere: [],
    traceSeqs,
  };
  const remote = { address: plan.target.address, port: plan.target.port };
  ctx.onStep?.(plan.id, `connecting to ${plan.target.host} (${remote.address}:${remote.port}) over ${plan.transport.toUpperCase()}`);
  const opened = await SipFlow.open({
    attempt: plan.id,
    transport: plan.transport,
    host: plan.target.host,
    remote,
    localPort: plan.localPort,
    tlsVerify: ctx.tlsVerify,
    caPem: ctx.caPem,
    wsPath: ctx.wsPath,
    deps,
    trace,
    rate: ctx.rate,
    signal: ctx.signal,
    deadlineAt: ctx.deadlineAt,
    traceSeqs,
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

/** Drives the registration machine (registration.ts) on an open flow: its I/O, identifiers and digest answers. */
class Registration {
  private readonly ids: IdSource;
  private readonly wsHost: string;
  private readonly callId: string;
  private readonly fromTag: string;
  private readonly requestUri: string;
  private cseq = 0;
  /** The run's auth turn is held between an 'acquire-turn' and its 'settle' (or the final release). */
  private holdsTurn = false;
  /** What whileRegistered threw, rethrown once the binding is removed. */
  private hookError: { error: unknown } | undefined;

  constructor(
    private readonly ctx: AttemptContext,
    private readonly flow: SipFlow,
    private readonly result: AttemptResult,
    private readonly t0: number,
  ) {
    this.ids = idSource(ctx.deps.random);
    this.wsHost = `${this.ids.tag()}.invalid`;
    this.callId = this.ids.callId();
    this.fromTag = this.ids.tag();
    const domain = ctx.account.domain;
    this.requestUri = `sip:${domain.includes(':') && !domain.startsWith('[') ? `[${domain}]` : domain}`;
  }

  end(outcome: AttemptOutcome, detail: string, status?: SipResponse): AttemptResult {
    this.releaseTurn();
    return finish(this.ctx, this.result, this.t0, outcome, detail, status);
  }

  /** A held turn that was not used goes back to the run's budget. */
  private releaseTurn(): void {
    if (this.holdsTurn) this.ctx.auth.settle('unsent');
    this.holdsTurn = false;
  }

  async run(): Promise<AttemptResult> {
    let step = startRegistration(this.ctx.account.password !== undefined, this.ctx.plan.expires);
    // Each step asks for at most one thing that answers back, and every request is bounded by its
    // transaction's deadline and the auth budget, so this loop ends (a few REGISTERs at most).
    for (;;) {
      let event: RegEvent | undefined;
      for (const a of step.actions) {
        const done = this.report(a);
        if (done) return done;
        event ??= await this.perform(a);
      }
      if (!event) throw new Error(`registration stalled in ${step.state.phase}`);
      step = next(step.state, event);
    }
  }

  /** Carries out an action that answers with an event. */
  private async perform(a: RegAction): Promise<RegEvent | undefined> {
    if (a.kind === 'registered') {
      // The hook's failure is reported after the removal, which follows whatever the hook does.
      await this.ctx.whileRegistered?.(a.res).catch((e: unknown) => (this.hookError = { error: e }));
      return undefined;
    }
    if (a.kind === 'acquire-turn') {
      const signal = a.removal ? new AbortController().signal : this.ctx.signal;
      const granted = await this.ctx.auth.acquire(signal).catch(() => false);
      this.holdsTurn = granted;
      return { kind: 'turn', granted, cancelled: signal.aborted, failures: this.ctx.auth.failureCount };
    }
    if (a.kind === 'settle') {
      const kept = this.ctx.auth.settle(a.verdict, a.keep);
      this.holdsTurn = kept;
      return { kind: 'settled', kept };
    }
    if (a.kind !== 'send') return undefined;
    const sentBefore = this.flow.stats.requestsSent;
    // Not the run's signal for the removal: cancelling must not leave a binding behind.
    const tx = await this.register(a, a.request.removal ? new AbortController().signal : this.ctx.signal);
    return { kind: 'tx', tx, sent: this.flow.stats.requestsSent !== sentBefore };
  }

  /** Records an action that reports; returns the result when it ends the attempt. */
  private report(a: RegAction): AttemptResult | undefined {
    if (a.kind === 'registered') finish(this.ctx, this.result, this.t0, 'registered', a.detail, a.res);
    if (a.kind === 'finish') return this.end(a.outcome, a.detail, a.res);
    if (a.kind !== 'removed') return undefined;
    this.releaseTurn();
    const r = this.result;
    r.durationMs = Math.round(this.ctx.deps.clock.now() - this.t0);
    r.unregistered = a.ok;
    if (!a.ok) r.detail += `; removing the binding failed (${a.why}), it expires within ${a.expires} s`;
    if (this.hookError) throw this.hookError.error;
    return r;
  }

  /** Sends one REGISTER on the flow and waits for its final response. */
  private register(a: Extract<RegAction, { kind: 'send' }>, signal: AbortSignal): Promise<TxOutcome> {
    const { ctx, result, flow } = this;
    const branch = this.ids.branch();
    this.cseq++;
    const built = buildRegister(
      {
        transport: ctx.plan.transport,
        domain: ctx.account.domain,
        user: ctx.account.user,
        local: flow.channel.local,
        rport: ctx.plan.rport,
        branch,
        callId: this.callId,
        fromTag: this.fromTag,
        cseq: this.cseq,
        expires: a.request.expires,
        extra: this.credentials(a),
      },
      this.wsHost,
    );
    const waitMs = a.request.expires === 0 ? UNREGISTER_DEADLINE_MS : REGISTER_DEADLINE_MS;
    ctx.onStep?.(ctx.plan.id, a.request.what);
    return flow.transaction(serialize(built.message), { branch, callId: this.callId, method: 'REGISTER' }, waitMs, a.request.what, signal).then((tx) => {
      result.requestsSent = flow.stats.requestsSent;
      result.retransmissions = flow.stats.retransmissions;
      result.responsesFromElsewhere = flow.stats.responsesFromElsewhere;
      if (tx.kind === 'response' && !result.via) result.via = viaReport(tx.msg, ctx.plan.rport);
      return tx;
    });
  }

  /** The Authorization (or Proxy-Authorization) header answering the machine's challenge (RFC 3261 §22.2). */
  private credentials(a: Extract<RegAction, { kind: 'send' }>): Array<readonly [string, string]> {
    const password = this.ctx.account.password;
    if (!a.challenge || password === undefined) return [];
    const answer = answerChallenge({
      challenge: a.challenge,
      username: this.ctx.account.authUser,
      password,
      method: 'REGISTER',
      uri: this.requestUri,
      cnonce: this.ids.cnonce(),
      nc: a.nc,
    });
    return [[answer.headerName, answer.headerValue]];
  }
}
