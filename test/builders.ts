// One builder for hand-made results in tests: a valid CheckResult (and AttemptResult) with
// neutral defaults, of which a test overrides only what it is about.
import type { AttemptResult, CheckResult } from '../shared/model/results.js';

/** A registered UDP attempt to sip.example.com (192.0.2.10:5060) from an ephemeral port. */
export function attemptResult(over: Partial<AttemptResult> & Pick<AttemptResult, 'id'>): AttemptResult {
  return {
    label: `attempt ${over.id}`,
    transport: 'udp',
    target: { host: 'sip.example.com', address: '192.0.2.10', port: 5060 },
    sourcePortMode: 'ephemeral',
    rport: true,
    outcome: 'registered',
    detail: '',
    durationMs: 10,
    startedAt: 0,
    requestsSent: 1,
    retransmissions: 0,
    responsesFromElsewhere: [],
    traceSeqs: [],
    ...over,
  };
}

/** A check of alice@example.com over UDP and TCP with no attempts and an empty trace. */
export function checkResult(over: Partial<CheckResult> = {}): CheckResult {
  return {
    schemaVersion: 1,
    tool: { name: 'sipladder', version: '0' },
    startedAt: '2026-11-21T12:00:00.000Z',
    durationMs: 1,
    account: { server: 'sip.example.com', domain: 'example.com', user: 'alice', authUser: 'alice', transports: ['udp', 'tcp'], passwordGiven: true },
    dns: [],
    attempts: [],
    authFailures: 0,
    trace: [],
    ...over,
  };
}
