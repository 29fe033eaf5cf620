// A registration exactly as a WebRTC softphone makes it: sip.js's UserAgent and Registerer over the
// browser's own WebSocket and TLS stack (RFC 7118), every SIP message captured from sip.js's
// transport, the binding removed again. Credentials are used only when the main process grants a
// slot of the run's failed-authentication budget (electron/engine/safety.ts AuthGate).
import { Registerer, RegistererState, UserAgent, type Transport } from 'sip.js';
import type { BrowserOutcome, BrowserRegistration, CapturedMessage } from '../../../shared/webrtc/browser-attempt.js';

/** Expires we ask for: the binding is removed right after the 200 anyway. */
const REGISTER_EXPIRES_S = 60;
/** The WebSocket connect, as sip.js counts it (its `connectionTimeout` is in seconds). */
export const CONNECT_TIMEOUT_S = 5;
/** From REGISTER to a final answer (sip.js retries the authenticated request on its own). */
export const REGISTER_DEADLINE_MS = 10_000;
/** Removing the binding at the end. */
export const UNREGISTER_DEADLINE_MS = 5_000;

export interface BrowserRegisterInput {
  /** wss://host:port/path or ws://… */
  url: string;
  user: string;
  domain: string;
  authUser?: string;
  password?: string;
}

export interface AuthSlot {
  /** Asks the main process for one credentialed request of the run's budget; false when spent. */
  request(): Promise<boolean>;
  /** How the server took it (AuthGate's verdicts): accepted (2xx), unaccepted (sent, not accepted), unsent (never sent). */
  settle(verdict: 'accepted' | 'unaccepted' | 'unsent'): Promise<void>;
}

/** Wraps sip.js's transport so every message it sends or hands up is captured as text, in order. */
function captureTransport(transport: Transport, capture: (direction: CapturedMessage['direction'], text: string) => void): void {
  const send = transport.send.bind(transport);
  transport.send = (message: string) => {
    capture('sent', message);
    return send(message);
  };
  const deliver = transport.onMessage;
  transport.onMessage = (message: string) => {
    capture('received', message);
    deliver?.(message);
  };
}

/** Resolves when `done` says so for a state, or with false at the deadline. */
function untilState(registerer: Registerer, done: (s: RegistererState) => boolean, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (done(registerer.state)) return resolve(true);
    const timer = setTimeout(() => finish(false), ms);
    const listener = (s: RegistererState): void => {
      if (done(s)) finish(true);
    };
    const finish = (ok: boolean): void => {
      clearTimeout(timer);
      registerer.stateChange.removeListener(listener);
      resolve(ok);
    };
    registerer.stateChange.addListener(listener);
  });
}

interface FinalAnswer {
  status?: number;
  reason?: string;
  timedOut: boolean;
}

/** REGISTER (sip.js answers a challenge itself when it has credentials) until a final answer or the deadline. */
function registerOnce(registerer: Registerer): Promise<FinalAnswer> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ timedOut: true }), REGISTER_DEADLINE_MS);
    const settle = (status: number, reason: string): void => {
      clearTimeout(timer);
      resolve({ status, reason, timedOut: false });
    };
    registerer
      .register({
        requestDelegate: {
          onAccept: (r) => settle(r.message.statusCode ?? 200, r.message.reasonPhrase ?? 'OK'),
          onReject: (r) => settle(r.message.statusCode ?? 0, r.message.reasonPhrase ?? ''),
        },
      })
      .catch(() => settle(0, 'sip.js could not send the REGISTER'));
  });
}

function outcomeOf(answer: FinalAnswer, credentialed: boolean, challenged: boolean): BrowserOutcome {
  if (answer.timedOut) return 'no-response';
  const status = answer.status ?? 0;
  if (status >= 200 && status < 300) return 'registered';
  if (status === 401 || status === 407) return credentialed ? 'auth-failed' : 'auth-skipped';
  if (status === 403 && challenged && credentialed) return 'auth-failed';
  return status ? 'rejected' : 'reset';
}

export async function registerFromBrowser(input: BrowserRegisterInput, slot: AuthSlot): Promise<BrowserRegistration> {
  const t0 = performance.now();
  const messages: CapturedMessage[] = [];
  const capture = (direction: CapturedMessage['direction'], text: string): void => void messages.push({ t: performance.now() - t0, direction, text });
  const credentialed = input.password !== undefined && input.password !== '' && (await slot.request());
  const ua = new UserAgent({
    uri: UserAgent.makeURI(`sip:${input.user}@${input.domain}`),
    transportOptions: { server: input.url, connectionTimeout: CONNECT_TIMEOUT_S, keepAliveInterval: 0 },
    ...(credentialed ? { authorizationUsername: input.authUser ?? input.user, authorizationPassword: input.password } : {}),
    logBuiltinEnabled: false,
    userAgentString: 'SIP Ladder (sip.js in the browser)',
  });
  // Without a granted slot no challenge may be answered: sip.js would answer with the user name and an
  // empty password (its authenticationFactory always builds credentials), a failed authentication
  // outside the budget (found by the lab).
  if (!credentialed) ua.userAgentCore.configuration.authenticationFactory = () => undefined;
  captureTransport(ua.transport, capture);
  const result = (r: Omit<BrowserRegistration, 'durationMs' | 'messages'>): BrowserRegistration => ({ ...r, durationMs: performance.now() - t0, messages });
  try {
    await ua.start();
  } catch (e) {
    if (credentialed) await slot.settle('unsent');
    return result({
      outcome: 'reset',
      connected: false,
      detail: `the browser could not open the WebSocket to ${input.url} (it gives a page no reason: certificate, Origin, subprotocol or network): ${(e as Error).message}`,
    });
  }
  const registerer = new Registerer(ua, { expires: REGISTER_EXPIRES_S });
  try {
    const answer = await registerOnce(registerer);
    const challenged = messages.some((m) => m.direction === 'received' && /^SIP\/2\.0 40[17] /.test(m.text));
    const outcome = outcomeOf(answer, credentialed, challenged);
    // Sent credentials that were not accepted count against the budget, answered or not.
    const sentCredentials = messages.some((m) => m.direction === 'sent' && /^authorization\s*:/im.test(m.text));
    if (credentialed) await slot.settle(outcome === 'registered' ? 'accepted' : sentCredentials ? 'unaccepted' : 'unsent');
    let unregistered: boolean | undefined;
    if (outcome === 'registered') {
      await registerer.unregister().catch(() => undefined);
      unregistered = await untilState(registerer, (s) => s === RegistererState.Unregistered, UNREGISTER_DEADLINE_MS);
    }
    const detail = answer.timedOut ? `no final answer within ${REGISTER_DEADLINE_MS} ms` : `${answer.status} ${answer.reason ?? ''}`.trim();
    return result({
      outcome,
      connected: true,
      detail,
      ...(answer.status ? { status: answer.status, reason: answer.reason } : {}),
      ...(unregistered !== undefined ? { unregistered } : {}),
    });
  } finally {
    await registerer.dispose().catch(() => undefined);
    await ua.stop().catch(() => undefined);
  }
}
