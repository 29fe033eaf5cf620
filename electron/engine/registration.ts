// The registration layer above the transaction (RFC 3261 §10.2) as a pure state machine:
// REGISTER → challenge → authenticated retry → registered → remove the binding. The driver
// (register-attempt.ts) sends, waits for the run's auth budget (safety.ts AuthGate) and feeds
// back what happened; every decision is here, testable without sockets or clocks.
import { pickChallenge, type DigestChallenge } from '../../shared/sip/digest.js';
import type { SipResponse } from '../../shared/sip/message.js';
import { TIMER_F_MS } from '../../shared/sip/timers.js';
import type { AttemptOutcome } from '../../shared/model/results.js';
import type { AuthVerdict } from './safety.js';
import type { TxOutcome } from './sip-flow.js';

/** Short-lived bindings: if the removal is lost, the server drops the binding soon anyway. */
export const REGISTER_EXPIRES_S = 60;
/** The largest Min-Expires (RFC 3261 §10.2.8) we follow: a day. */
const MAX_MIN_EXPIRES_S = 86400;

/** One REGISTER to send; `gated` ones carry credentials and need a turn of the run's auth budget first. */
export interface RegisterRequest {
  expires: number;
  gated: boolean;
  what: string;
  /** The binding's removal runs on its own signal: cancelling must not leave a binding behind. */
  removal: boolean;
}

export type RegPhase = 'sending' | 'awaiting-turn' | 'settling' | 'done';

export interface RegState {
  phase: RegPhase;
  /** Registering, or removing the binding after a 2xx. */
  removing: boolean;
  /** The removal was challenged afresh and tried once more. */
  removalRetried: boolean;
  /** Without a password a challenge ends the attempt. */
  hasPassword: boolean;
  expires: number;
  authSent: boolean;
  staleRetried: boolean;
  intervalRetried: boolean;
  /** The run's auth turn kept for the request that must follow (a retry after stale=true, or the removal). */
  heldTurn: boolean;
  challenge?: DigestChallenge;
  /** Digest nonce count for the current challenge (RFC 7616 §3.4). */
  nc: number;
  /** The request in flight or waiting for its auth turn. */
  request?: RegisterRequest;
  /** The response that led to `request`, named when the budget refuses it. */
  cause?: { res: SipResponse; why: string };
  /** A gated transaction's outcome, kept while its verdict is settled. */
  settling?: TxOutcome;
}

export type RegEvent =
  /** The transaction's outcome; `sent` is false when nothing left the socket. */
  | { kind: 'tx'; tx: TxOutcome; sent: boolean }
  /** The auth budget's answer; `failures` is the run's count of unaccepted credentialed requests so far. */
  | { kind: 'turn'; granted: boolean; cancelled: boolean; failures: number }
  | { kind: 'settled'; kept: boolean };

export type RegAction =
  | { kind: 'send'; request: RegisterRequest; challenge?: DigestChallenge; nc: number }
  | { kind: 'acquire-turn'; removal: boolean }
  | { kind: 'settle'; verdict: AuthVerdict; keep: boolean }
  /** Registered: recorded now, before the removal (so a lost removal still shows the registration). */
  | { kind: 'registered'; detail: string; res: SipResponse }
  /** The removal's end, which ends the attempt; `expires` is how soon the server drops a binding left behind. */
  | { kind: 'removed'; ok: boolean; why: string; expires: number }
  /** The attempt's end (the driver gives an unused kept turn back to the budget). */
  | { kind: 'finish'; outcome: AttemptOutcome; detail: string; res?: SipResponse };

export interface RegStep {
  state: RegState;
  actions: RegAction[];
}

export function startRegistration(hasPassword: boolean, expires = REGISTER_EXPIRES_S): RegStep {
  const s: RegState = {
    phase: 'sending',
    removing: false,
    removalRetried: false,
    hasPassword,
    expires,
    authSent: false,
    staleRetried: false,
    intervalRetried: false,
    heldTurn: false,
    nc: 0,
  };
  return sendNow(s, { expires, gated: false, what: 'REGISTER', removal: false });
}

export function next(s: RegState, e: RegEvent): RegStep {
  if (s.phase === 'awaiting-turn' && e.kind === 'turn') return onTurn(s, e);
  if (s.phase === 'settling' && e.kind === 'settled') return afterTx({ ...s, heldTurn: e.kept, settling: undefined }, s.settling!);
  if (s.phase === 'sending' && e.kind === 'tx') return s.request?.gated ? settleGated(s, e) : afterTx(s, e.tx);
  throw new Error(`registration: unexpected ${e.kind} in ${s.phase}`);
}

const silence = (tx: Extract<TxOutcome, { kind: 'timeout' }>, what: string): string =>
  `no response to ${what} within ${(tx.waitedMs / 1000).toFixed(1)} s (${tx.cappedByRun ? 'the check deadline' : 'probe deadline'}; RFC 3261 Timer F would wait ${TIMER_F_MS / 1000} s); sent ${tx.sends} time${tx.sends === 1 ? '' : 's'}`;

function finish(s: RegState, outcome: AttemptOutcome, detail: string, res?: SipResponse): RegStep {
  return { state: { ...s, phase: 'done', heldTurn: false }, actions: [{ kind: 'finish', outcome, detail, res }] };
}

function sendNow(s: RegState, request: RegisterRequest): RegStep {
  const nc = request.gated && s.challenge ? s.nc + 1 : s.nc;
  const state: RegState = { ...s, phase: 'sending', request, nc, authSent: s.authSent || (request.gated && !request.removal) };
  return { state, actions: [{ kind: 'send', request, challenge: request.gated ? s.challenge : undefined, nc }] };
}

/** A credentialed request goes out under the run's budget: at once with a kept turn, else after acquiring one. */
function gated(s: RegState, request: RegisterRequest, cause?: RegState['cause']): RegStep {
  if (s.heldTurn) return sendNow({ ...s, heldTurn: false }, request);
  return { state: { ...s, phase: 'awaiting-turn', request, cause }, actions: [{ kind: 'acquire-turn', removal: request.removal }] };
}

function onTurn(s: RegState, e: Extract<RegEvent, { kind: 'turn' }>): RegStep {
  if (e.granted) return sendNow(s, s.request!);
  if (s.removing) return removed(s, undefined);
  if (e.cancelled) return finish(s, 'aborted', 'cancelled');
  const { res, why } = s.cause!;
  return finish(
    s,
    'auth-skipped',
    `${why}; credentials not sent because ${e.failures} credentialed requests of this run were not accepted (ban protection)`,
    res,
  );
}

/**
 * How the server took a credentialed request (AuthGate.settle). The turn is kept for the request
 * that must follow: the one retry after stale=true, or the removal of a binding the server just
 * accepted (its slot is reserved from here on, so other attempts' failures can never leave a
 * binding behind unremovable).
 */
function settleGated(s: RegState, e: Extract<RegEvent, { kind: 'tx' }>): RegStep {
  const verdict: AuthVerdict = e.sent ? credentialVerdict(e.tx) : 'unsent';
  const keep = verdict === 'unaccepted' ? !s.staleRetried && isStaleChallenge(e.tx) : verdict === 'accepted' && s.request!.expires > 0;
  return { state: { ...s, phase: 'settling', settling: e.tx }, actions: [{ kind: 'settle', verdict, keep }] };
}

function afterTx(s: RegState, tx: TxOutcome): RegStep {
  if (s.removing) return afterRemoval(s, tx);
  if (tx.kind === 'failure') return finish(s, tx.outcome, tx.detail);
  if (tx.kind === 'timeout') {
    return s.authSent
      ? finish(s, 'challenged-no-answer', `challenged, answered with credentials, then ${silence(tx, 'the authenticated REGISTER')}`)
      : finish(s, 'no-response', silence(tx, 'REGISTER'));
  }
  const res = tx.msg;
  if (res.status === 401 || res.status === 407) return answerChallenge(s, res);
  if (res.status === 423 && !s.intervalRetried) return retryInterval(s, res);
  return finalAnswer(s, res);
}

/** 401/407: answer the challenge, or stop when the credentials were already refused. */
function answerChallenge(s: RegState, res: SipResponse): RegStep {
  const picked = challengeOf(res);
  // A fresh nonce with stale=true means only the nonce expired (RFC 7616 §3.3): retry once. The
  // server may still count the stale request as a failed login, so the budget counts it too.
  const staleRetry = s.authSent && picked.ok && picked.challenge.stale && !s.staleRetried;
  if (s.authSent && !staleRetry) {
    return finish(
      s,
      'auth-failed',
      `credentials rejected: ${res.status} ${res.reason} again after authenticating${s.staleRetried ? ' (stale=true twice)' : ' (wrong password or auth user?)'}`,
      res,
    );
  }
  if (!picked.ok) return finish(s, 'auth-skipped', `challenged (${res.status}) but cannot answer: ${picked.reason}`, res);
  const state: RegState = { ...s, challenge: picked.challenge, nc: 0 };
  if (!s.hasPassword) return finish(state, 'auth-skipped', `challenged (${res.status}); no password was given, so no credentials were sent`, res);
  const what = staleRetry ? 'REGISTER with credentials (fresh nonce after stale=true)' : 'REGISTER with credentials';
  return gated(
    { ...state, staleRetried: s.staleRetried || staleRetry },
    { expires: s.expires, gated: true, what, removal: false },
    { res, why: `challenged (${res.status}${staleRetry ? ', stale=true' : ''})` },
  );
}

/** 423 (RFC 3261 §10.2.8): retry once with the server's Min-Expires. */
function retryInterval(s: RegState, res: SipResponse): RegStep {
  const min = Number(res.headers.find((h) => h.key === 'min-expires')?.value);
  const retried = { ...s, intervalRetried: true };
  if (!(Number.isFinite(min) && min > 0 && min <= MAX_MIN_EXPIRES_S)) return finalAnswer(retried, res);
  const request: RegisterRequest = { expires: min, gated: s.authSent, what: `REGISTER with Expires ${min} (Min-Expires)`, removal: false };
  const state = { ...retried, expires: min };
  return s.authSent ? gated(state, request, { res, why: 'asked for a longer Expires (423)' }) : sendNow(state, request);
}

function finalAnswer(s: RegState, res: SipResponse): RegStep {
  if (res.status >= 200 && res.status < 300) {
    // The turn kept for the removal stays with this attempt until the removal is settled.
    const removal = gated({ ...s, removing: true }, { expires: 0, gated: true, what: 'REGISTER Expires 0 (remove our binding)', removal: true });
    return { state: removal.state, actions: [{ kind: 'registered', detail: `registered: ${res.status} ${res.reason}`, res }, ...removal.actions] };
  }
  if (res.status >= 300 && res.status < 400) {
    const to = res.contact === '*' ? [] : res.contact.map((c) => c.uri.raw);
    return finish(s, 'redirected', `redirected: ${res.status} ${res.reason}${to.length ? ' to ' + to.join(', ') : ''}`, res);
  }
  if (s.authSent && res.status === 403) return finish(s, 'auth-failed', `credentials rejected: ${res.status} ${res.reason}`, res);
  return finish(s, 'rejected', `${res.status} ${res.reason}${s.authSent ? ' (after authenticating)' : ''}`, res);
}

/** The removal's answer: one more try when it is challenged afresh, then report (never "Contact: *"). */
function afterRemoval(s: RegState, tx: TxOutcome): RegStep {
  const retry = !s.removalRetried && tx.kind === 'response' && (tx.msg.status === 401 || tx.msg.status === 407) ? pickChallenge(tx.msg.challenges) : undefined;
  if (retry?.ok)
    return gated(
      { ...s, challenge: retry.challenge, nc: 0, removalRetried: true },
      { expires: 0, gated: true, what: 'REGISTER Expires 0 with fresh credentials', removal: true },
    );
  return removed(s, tx);
}

function removed(s: RegState, tx: TxOutcome | undefined): RegStep {
  const ok = tx?.kind === 'response' && tx.msg.status >= 200 && tx.msg.status < 300;
  const why = !tx ? "not sent: the run's budget for unaccepted credentials is spent" : tx.kind === 'response' ? `${tx.msg.status} ${tx.msg.reason}` : tx.kind;
  return { state: { ...s, phase: 'done', heldTurn: false }, actions: [{ kind: 'removed', ok, why, expires: s.expires }] };
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
