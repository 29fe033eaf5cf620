// One flow of the exposure audit, drawn as one ladder column (an attempt): a few requests on it,
// each recorded as an exchange with what the server answered. An INVITE the server goes ahead
// with (a provisional answer beyond 100 Trying, or 100 Trying and nothing more) is cancelled at
// once (RFC 3261 §9.1); every INVITE's final answer is acknowledged (§17.1.1.3, §13.2.2.4).
import type { AuditExchange, AuditTestId, AuditVariant } from '../../shared/audit/model.js';
import { buildAckForFailure, buildAuditRequest, buildCancel, buildInDialog, type AuditRequest } from '../../shared/audit/requests.js';
import type { IdSource } from '../../shared/sip/ids.js';
import type { SipResponse } from '../../shared/sip/message.js';
import { parseMessage } from '../../shared/sip/parse.js';
import type { AttemptOutcome, AttemptResult } from '../../shared/model/results.js';
import type { Transport } from '../../shared/model/trace.js';
import { interruptibleWait, type EngineDeps } from '../engine/deps.js';
import type { Target } from '../engine/dns.js';
import type { AuthGate, RateLimiter } from '../engine/safety.js';
import { SipFlow, type TxOutcome } from '../engine/sip-flow.js';
import type { TraceRecorder } from '../engine/trace-recorder.js';

/** Wait for the final answer to one request; UDP sends at 0, 0.5 and 1.5 s (Timer E), so silence is silence. */
export const EXCHANGE_WAIT_MS = 2000;
/** After 100 Trying, how long a 401/407 may take before the INVITE counts as going ahead and is cancelled. */
export const TRYING_GRACE_MS = 500;
/** Wait for the answer to CANCEL, and then for the INVITE's final answer (487) to acknowledge it. */
export const CANCEL_WAIT_MS = 1500;

/** Everything the tests of one audit run share. */
export interface AuditRun {
  deps: EngineDeps;
  trace: TraceRecorder;
  /** The engine's limit for every packet (retransmissions, CANCEL, ACK included), as in a check. */
  rate: RateLimiter;
  /**
   * The audit's slower pace for each test request, taken before the request's wait starts: the
   * wait then measures the server, not a queue (silence is the answer some tests look for).
   */
  pace: RateLimiter;
  auth: AuthGate;
  signal: AbortSignal;
  deadlineAt: number;
  ids: IdSource;
  domain: string;
  tlsVerify: boolean;
  caPem?: string;
  attempts: AttemptResult[];
  exchanges: AuditExchange[];
  onStep?: (text: string) => void;
}

export interface ExchangeParams {
  test: AuditTestId;
  variant: AuditVariant;
  method: AuditRequest['method'];
  userAgent: string;
  toUser?: string;
  fromUser: string;
  expires?: number;
  extra?: ReadonlyArray<readonly [string, string]>;
  /** Text for the trace and the progress ("OPTIONS as friendly-scanner"). */
  what: string;
  signal?: AbortSignal;
}

export interface ExchangeResult {
  exchange: AuditExchange;
  response?: SipResponse;
  request: AuditRequest;
}

/** Responses seen for one branch, whatever transaction is running when they arrive. */
interface BranchWatch {
  provisional: number[];
  bytes: number;
  /** status|size of the responses counted, so a retransmitted answer is counted once. */
  counted: Set<string>;
  final?: SipResponse;
  onResponse?: (res: SipResponse) => void;
}

export class AuditSession {
  private flow: SipFlow | null = null;
  private readonly watches = new Map<string, BranchWatch>();
  private readonly callId: string;
  private readonly fromTag: string;
  private cseq = 0;

  private constructor(
    private readonly run: AuditRun,
    readonly result: AttemptResult,
  ) {
    this.callId = run.ids.callId();
    this.fromTag = run.ids.tag();
  }

  /** Opens the flow; the attempt is recorded even when that fails (then `session` is null). */
  static async open(run: AuditRun, label: string, transport: Transport, target: Target): Promise<{ session: AuditSession | null; attempt: AttemptResult }> {
    const attempt: AttemptResult = {
      id: run.attempts.length + 1,
      label,
      transport,
      target: { ...target },
      sourcePortMode: 'ephemeral',
      rport: true,
      outcome: 'no-response',
      detail: '',
      durationMs: 0,
      startedAt: run.trace.elapsed(),
      requestsSent: 0,
      retransmissions: 0,
      responsesFromElsewhere: [],
      traceSeqs: [],
    };
    run.attempts.push(attempt);
    const session = new AuditSession(run, attempt);
    // Every message also passes by watch(): a provisional answer to an INVITE must act at once.
    const deps: EngineDeps = {
      ...run.deps,
      openChannel: (o) =>
        run.deps.openChannel({ ...o, handlers: { ...o.handlers, message: (bytes, from) => (session.watch(bytes), o.handlers.message(bytes, from)) } }),
    };
    const opened = await SipFlow.open({
      attempt: attempt.id,
      transport,
      host: target.host,
      remote: { address: target.address, port: target.port },
      tlsVerify: false,
      caPem: run.caPem,
      wsPath: '/',
      deps,
      trace: run.trace,
      rate: run.rate,
      signal: run.signal,
      deadlineAt: run.deadlineAt,
      traceSeqs: attempt.traceSeqs,
    });
    if (opened.tls) attempt.tls = opened.tls;
    if (!opened.ok) {
      Object.assign(attempt, { outcome: opened.outcome, detail: opened.detail, durationMs: Math.round(run.trace.elapsed() - attempt.startedAt) });
      return { session: null, attempt };
    }
    session.flow = opened.flow;
    attempt.localAddress = opened.flow.channel.local.address;
    attempt.localPort = opened.flow.channel.local.port;
    return { session, attempt };
  }

  private watch(bytes: Uint8Array): void {
    const msg = parseMessage(bytes).message;
    if (msg?.kind !== 'response') return;
    const w = this.watches.get(msg.via[0]?.params.branch ?? '');
    if (!w || msg.cseq?.method === 'CANCEL') return;
    const key = `${msg.status}|${bytes.length}`;
    if (w.counted.has(key)) return;
    w.counted.add(key);
    w.bytes += bytes.length;
    if (msg.status < 200) w.provisional.push(msg.status);
    else w.final ??= msg;
    w.onResponse?.(msg);
  }

  /** Sends one request (an INVITE with its CANCEL/ACK) and records the exchange. */
  async exchange(p: ExchangeParams): Promise<ExchangeResult> {
    const flow = this.flow!;
    const request: AuditRequest = {
      method: p.method,
      transport: this.result.transport,
      domain: this.run.domain,
      toUser: p.toUser,
      fromUser: p.fromUser,
      local: flow.channel.local,
      branch: this.run.ids.branch(),
      callId: this.callId,
      fromTag: this.fromTag,
      cseq: ++this.cseq,
      userAgent: p.userAgent,
      expires: p.expires,
      extra: p.extra,
    };
    const bytes = buildAuditRequest(request);
    const watch: BranchWatch = { provisional: [], bytes: 0, counted: new Set() };
    const seqsBefore = this.result.traceSeqs.length;
    this.watches.set(request.branch, watch);
    this.run.onStep?.(`${this.result.label}: ${p.what}`);
    await this.run.pace.take(flow.remote.address, this.run.signal).catch(() => undefined);
    const { tx, cancelled } =
      p.method === 'INVITE'
        ? await this.invite(request, bytes, watch, p.what)
        : { tx: await this.send(request, bytes, p.method, p.what, p.signal), cancelled: false };
    const response = tx.kind === 'response' ? tx.msg : watch.final;
    const realm = response?.challenges[0]?.params.realm;
    const exchange: AuditExchange = {
      attempt: this.result.id,
      test: p.test,
      variant: p.variant,
      method: p.method,
      transport: this.result.transport,
      userAgent: p.userAgent,
      provisional: watch.provisional,
      requestBytes: bytes.length,
      responseBytes: watch.bytes,
      seqs: this.messageSeqs(seqsBefore),
      ...(response ? { status: response.status } : {}),
      ...(realm !== undefined ? { realm } : {}),
      // A cancelled call's final answer (487) times our CANCEL, not the server: no answer time then.
      ...(tx.kind === 'response' && !cancelled ? { rttMs: tx.rttMs } : {}),
      ...(cancelled ? { cancelled } : {}),
    };
    this.run.exchanges.push(exchange);
    this.settle(tx, response);
    return { exchange, response, request };
  }

  /** Seqs of the messages this attempt traced since `from` (an index into its traceSeqs). */
  private messageSeqs(from: number): number[] {
    const mine = new Set(this.result.traceSeqs.slice(from));
    return this.run.trace.events.filter((e) => mine.has(e.seq) && (e.kind === 'sent' || e.kind === 'received')).map((e) => e.seq);
  }

  private send(request: AuditRequest, bytes: Uint8Array, method: string, what: string, signal?: AbortSignal): Promise<TxOutcome> {
    return this.flow!.transaction(bytes, { branch: request.branch, callId: request.callId, method }, EXCHANGE_WAIT_MS, what, signal);
  }

  /** INVITE: cancelled as soon as the server goes ahead with it; the final answer is acknowledged. */
  private async invite(request: AuditRequest, bytes: Uint8Array, watch: BranchWatch, what: string): Promise<{ tx: TxOutcome; cancelled: boolean }> {
    const { clock } = this.run.deps;
    const goingAhead = new AbortController();
    const stopOnRun = (): void => goingAhead.abort(this.run.signal.reason);
    this.run.signal.addEventListener('abort', stopOnRun, { once: true });
    let stopGrace = (): void => undefined;
    watch.onResponse = (res) => {
      if (res.status > 100 && res.status < 200) goingAhead.abort(new Error(`${res.status} ${res.reason}`));
      else if (res.status === 100) stopGrace = clock.setTimer(() => goingAhead.abort(new Error('100 Trying and nothing more')), TRYING_GRACE_MS);
      else stopGrace();
    };
    // Its own signal, not the run's: a cancelled run still cancels the call it started.
    const own = new AbortController().signal;
    let tx = await this.send(request, bytes, 'INVITE', what, goingAhead.signal);
    stopGrace();
    this.run.signal.removeEventListener('abort', stopOnRun);
    const cancelled = tx.kind === 'failure' && tx.outcome === 'aborted';
    if (cancelled) {
      await this.send(request, buildCancel(request), 'CANCEL', 'CANCEL (the server went ahead with the call: stop it at once)', own);
      if (!watch.final) await this.finalAfterCancel(watch);
      if (watch.final) tx = { kind: 'response', msg: watch.final, from: this.flow!.remote, rttMs: 0, sends: 1 };
    }
    if (tx.kind === 'response') await this.acknowledge(request, tx.msg, own);
    return { tx, cancelled };
  }

  /** Waits (bounded) for the 487 that follows a CANCEL. */
  private async finalAfterCancel(watch: BranchWatch): Promise<void> {
    const w = interruptibleWait(this.run.deps.clock, CANCEL_WAIT_MS, new AbortController().signal);
    watch.onResponse = (res) => res.status >= 200 && w.wake();
    await w.done;
  }

  /**
   * ACK for the INVITE's final answer; after a 2xx the call is up, so BYE ends it. An ACK has no
   * answer: the transaction with no wait sends it once and records it.
   */
  private async acknowledge(invite: AuditRequest, final: SipResponse, signal: AbortSignal): Promise<void> {
    const toTag = final.to?.params.tag ?? undefined;
    if (final.status >= 300)
      return void (await this.flow!.transaction(
        buildAckForFailure(invite, toTag),
        { branch: invite.branch, callId: invite.callId, method: 'ACK' },
        0,
        'ACK',
        signal,
      ));
    const remoteTarget = final.contact === '*' ? undefined : final.contact[0]?.uri.raw;
    if (!remoteTarget) return;
    const dialog = { toTag, remoteTarget };
    const ack = this.run.ids.branch();
    await this.flow!.transaction(
      buildInDialog(invite, 'ACK', { ...dialog, branch: ack }),
      { branch: ack, callId: invite.callId, method: 'ACK' },
      0,
      'ACK (the call was answered)',
      signal,
    );
    const bye = this.run.ids.branch();
    await this.flow!.transaction(
      buildInDialog(invite, 'BYE', { ...dialog, branch: bye }),
      { branch: bye, callId: invite.callId, method: 'BYE' },
      EXCHANGE_WAIT_MS,
      'BYE (end the answered call at once)',
      signal,
    );
  }

  /** The attempt's outcome follows its latest answer, unless our account registered on it. */
  private settle(tx: TxOutcome, response: SipResponse | undefined): void {
    const r = this.result;
    const stats = this.flow!.stats;
    r.requestsSent = stats.requestsSent;
    r.retransmissions = stats.retransmissions;
    r.responsesFromElsewhere = stats.responsesFromElsewhere;
    // A column where our own account registered keeps that story (and whether the binding was removed).
    if (r.outcome === 'registered') return;
    if (response) {
      const s = response.status;
      const outcome: AttemptOutcome = s >= 200 && s < 300 ? 'answered' : s === 401 || s === 407 ? 'auth-skipped' : s < 400 ? 'redirected' : 'rejected';
      Object.assign(r, { outcome, status: s, reason: response.reason, detail: `${s} ${response.reason}` });
    } else if (tx.kind === 'failure') Object.assign(r, { outcome: tx.outcome, detail: tx.detail });
    else
      Object.assign(r, {
        outcome: 'no-response',
        detail: `no answer within ${(tx.kind === 'timeout' ? tx.waitedMs : EXCHANGE_WAIT_MS) / 1000} s (sent ${tx.kind === 'timeout' ? tx.sends : 1} time(s))`,
      });
  }

  close(): AttemptResult {
    this.flow?.close();
    this.result.durationMs = Math.round(this.run.trace.elapsed() - this.result.startedAt);
    return this.result;
  }
}
