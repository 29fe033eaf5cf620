// The registration layer's decisions (electron/engine/registration.ts), event by event, without sockets.
import { describe, expect, it } from 'vitest';
import { next, REGISTER_EXPIRES_S, startRegistration, type RegAction, type RegEvent, type RegStep } from '../../electron/engine/registration.js';
import type { TxOutcome } from '../../electron/engine/sip-flow.js';
import type { SipResponse } from '../../shared/sip/message.js';
import { parseMessage } from '../../shared/sip/parse.js';

function response(status: number, extra: string[] = []): SipResponse {
  const text = [
    `SIP/2.0 ${status} Reason ${status}`,
    'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-x',
    'From: <sip:alice@example.com>;tag=1',
    'To: <sip:alice@example.com>',
    'Call-ID: c1',
    'CSeq: 1 REGISTER',
    ...extra,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const parsed = parseMessage(new TextEncoder().encode(text));
  if (!parsed.ok || parsed.message.kind !== 'response') throw new Error('bad test response');
  return parsed.message;
}

const challenge = (stale = false): SipResponse =>
  response(401, [`WWW-Authenticate: Digest realm="example.com", nonce="n1", algorithm=MD5, qop="auth"${stale ? ', stale=true' : ''}`]);
const answered = (status: number | SipResponse): RegEvent => ({
  kind: 'tx',
  tx: { kind: 'response', msg: typeof status === 'number' ? response(status) : status, from: { address: '192.0.2.1', port: 5060 }, rttMs: 1, sends: 1 },
  sent: true,
});
const timeout: TxOutcome = { kind: 'timeout', sends: 3, waitedMs: 3500, cappedByRun: false };
const granted: RegEvent = { kind: 'turn', granted: true, cancelled: false, failures: 0 };

/** Feeds events in order; returns every action the machine asked for, and the last step. */
function play(start: RegStep, events: RegEvent[]): { actions: RegAction[]; last: RegStep } {
  const actions = [...start.actions];
  let last = start;
  for (const e of events) {
    last = next(last.state, e);
    actions.push(...last.actions);
  }
  return { actions, last };
}

const kinds = (actions: RegAction[]): string[] =>
  actions.map((a) => (a.kind === 'send' ? `send ${a.request.what}` : a.kind === 'settle' ? `settle ${a.verdict}${a.keep ? ' keep' : ''}` : a.kind));

describe('registration machine (RFC 3261 §10.2)', () => {
  it('challenge → authenticated retry → registered → removal, keeping the auth turn for the removal', () => {
    const { actions, last } = play(startRegistration(true), [
      answered(challenge()),
      granted,
      answered(200),
      { kind: 'settled', kept: true },
      answered(200),
      { kind: 'settled', kept: false },
    ]);
    expect(kinds(actions)).toEqual([
      'send REGISTER',
      'acquire-turn',
      'send REGISTER with credentials',
      'settle accepted keep',
      'registered',
      'send REGISTER Expires 0 (remove our binding)',
      'settle accepted',
      'removed',
    ]);
    const sends = actions.filter((a) => a.kind === 'send');
    expect(sends.map((a) => [a.request.expires, a.nc, a.challenge?.nonce])).toEqual([
      [REGISTER_EXPIRES_S, 0, undefined],
      [60, 1, 'n1'],
      [0, 2, 'n1'],
    ]);
    expect(actions.at(-1)).toEqual({ kind: 'removed', ok: true, why: '200 Reason 200', expires: 60 });
    expect(last.state.phase).toBe('done');
  });

  it('without a password a challenge ends the attempt, and nothing credentialed is sent', () => {
    const { actions } = play(startRegistration(false), [answered(challenge())]);
    expect(actions.at(-1)).toMatchObject({ kind: 'finish', outcome: 'auth-skipped' });
    expect(kinds(actions)).not.toContain('acquire-turn');
  });

  it('a second challenge after credentials is a failed login; a 403 after credentials too', () => {
    const again = play(startRegistration(true), [answered(challenge()), granted, answered(challenge()), { kind: 'settled', kept: false }]);
    expect(again.actions.at(-1)).toMatchObject({ kind: 'finish', outcome: 'auth-failed' });
    expect(kinds(again.actions)).toContain('settle unaccepted');
    const forbidden = play(startRegistration(true), [answered(challenge()), granted, answered(403), { kind: 'settled', kept: false }]);
    expect(forbidden.actions.at(-1)).toMatchObject({ kind: 'finish', outcome: 'auth-failed' });
  });

  it('stale=true: one retry on the kept turn, then a second stale is a failure', () => {
    const { actions } = play(startRegistration(true), [
      answered(challenge()),
      granted,
      answered(challenge(true)),
      { kind: 'settled', kept: true },
      answered(challenge(true)),
      { kind: 'settled', kept: false },
    ]);
    expect(kinds(actions)).toEqual([
      'send REGISTER',
      'acquire-turn',
      'send REGISTER with credentials',
      'settle unaccepted keep',
      'send REGISTER with credentials (fresh nonce after stale=true)',
      'settle unaccepted',
      'finish',
    ]);
    expect(actions.at(-1)).toMatchObject({ outcome: 'auth-failed', detail: expect.stringContaining('stale=true twice') });
  });

  it('423 retries once with Min-Expires; a second 423 is a rejection', () => {
    const { actions } = play(startRegistration(true), [answered(response(423, ['Min-Expires: 3600'])), answered(response(423, ['Min-Expires: 7200']))]);
    expect(kinds(actions)).toEqual(['send REGISTER', 'send REGISTER with Expires 3600 (Min-Expires)', 'finish']);
    expect(actions.at(-1)).toMatchObject({ outcome: 'rejected' });
  });

  it('the budget refusing a turn skips the credentials and says why; a cancel during the wait is "aborted"', () => {
    const refused = play(startRegistration(true), [answered(challenge()), { kind: 'turn', granted: false, cancelled: false, failures: 2 }]);
    expect(refused.actions.at(-1)).toMatchObject({ outcome: 'auth-skipped', detail: expect.stringContaining('because 2 credentialed requests') });
    const cancelled = play(startRegistration(true), [answered(challenge()), { kind: 'turn', granted: false, cancelled: true, failures: 0 }]);
    expect(cancelled.actions.at(-1)).toMatchObject({ outcome: 'aborted' });
  });

  it('silence is "no-response" before credentials and "challenged-no-answer" after', () => {
    expect(play(startRegistration(true), [{ kind: 'tx', tx: timeout, sent: true }]).actions.at(-1)).toMatchObject({ outcome: 'no-response' });
    const after = play(startRegistration(true), [answered(challenge()), granted, { kind: 'tx', tx: timeout, sent: true }, { kind: 'settled', kept: false }]);
    expect(kinds(after.actions)).toContain('settle unaccepted');
    expect(after.actions.at(-1)).toMatchObject({ outcome: 'challenged-no-answer' });
  });

  it('a credentialed request that never left the socket is settled as unsent', () => {
    const { actions } = play(startRegistration(true), [
      answered(challenge()),
      granted,
      { kind: 'tx', tx: { kind: 'failure', outcome: 'reset', detail: 'gone' }, sent: false },
    ]);
    expect(kinds(actions).at(-1)).toBe('settle unsent');
  });

  it('redirects and other finals end the attempt; a 2xx without challenge still removes under the budget', () => {
    expect(play(startRegistration(true), [answered(302)]).actions.at(-1)).toMatchObject({ outcome: 'redirected' });
    expect(play(startRegistration(true), [answered(503)]).actions.at(-1)).toMatchObject({ outcome: 'rejected', detail: '503 Reason 503' });
    const plain = play(startRegistration(true), [answered(200), { kind: 'turn', granted: false, cancelled: false, failures: 2 }]);
    expect(kinds(plain.actions)).toEqual(['send REGISTER', 'registered', 'acquire-turn', 'removed']);
    expect(plain.actions.at(-1)).toMatchObject({ ok: false, why: expect.stringContaining('budget') });
  });

  it('a removal challenged afresh is answered once with the new nonce', () => {
    const fresh = response(401, ['WWW-Authenticate: Digest realm="example.com", nonce="n2", algorithm=MD5, qop="auth"']);
    const { actions } = play(startRegistration(true, 300), [
      answered(challenge()),
      granted,
      answered(200),
      { kind: 'settled', kept: true },
      answered(fresh),
      { kind: 'settled', kept: false },
      granted,
      answered(fresh),
      { kind: 'settled', kept: false },
    ]);
    const sends = actions.filter((a) => a.kind === 'send');
    expect(sends.map((a) => [a.request.what, a.request.expires, a.challenge?.nonce, a.nc])).toEqual([
      ['REGISTER', 300, undefined, 0],
      ['REGISTER with credentials', 300, 'n1', 1],
      ['REGISTER Expires 0 (remove our binding)', 0, 'n1', 2],
      ['REGISTER Expires 0 with fresh credentials', 0, 'n2', 1],
    ]);
    expect(actions.at(-1)).toMatchObject({ kind: 'removed', ok: false, expires: 300 });
  });
});
