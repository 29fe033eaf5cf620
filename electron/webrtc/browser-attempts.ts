// The main process's side of the page's sip.js registration (renderer/src/webrtc): it grants the
// credentials from the run's failed-authentication budget, repeats the WebSocket handshake with the
// page's Origin when the browser could not connect, and joins the attempt to the run's results.
// The page registers after the engine's run has finished, so the run's failures are known and the
// budget (MAX_AUTH_FAILURES_PER_RUN across every transport) holds for both together.
import * as v from 'valibot';
import type { CheckResult } from '../../shared/model/results.js';
import { browserAttempt, BrowserRegistrationSchema } from '../../shared/webrtc/browser-attempt.js';
import { AuthGate, MAX_AUTH_FAILURES_PER_RUN, type AuthVerdict } from '../engine/safety.js';
import { originHandshakeStatus, type OriginHandshake } from './origin-handshake.js';

/** Where finished runs live (electron/app/runs.ts RunManager in the app). */
export interface FinishedRuns {
  result(runId: string): CheckResult | undefined;
  replace(runId: string, result: CheckResult): void;
}

export interface BrowserAttemptRequest {
  url: string;
  /** The page's origin (what its browser sent as Origin). */
  origin: string;
  caPem?: string;
}

export class BrowserAttempts {
  private readonly gates = new Map<string, AuthGate>();

  constructor(
    private readonly runs: FinishedRuns,
    private readonly handshake: (o: OriginHandshake) => Promise<number | null> = originHandshakeStatus,
  ) {}

  private finished(runId: string): CheckResult {
    const result = this.runs.result(runId);
    if (!result) throw new Error('the check has not finished (or is no longer kept): run it again');
    return result;
  }

  /** The budget the run left: a run that already failed twice grants nothing. */
  private gate(runId: string): AuthGate {
    let gate = this.gates.get(runId);
    if (!gate) {
      gate = new AuthGate(Math.max(0, MAX_AUTH_FAILURES_PER_RUN - this.finished(runId).authFailures));
      this.gates.set(runId, gate);
    }
    return gate;
  }

  /** One credentialed request for the page; false when the budget is spent. */
  async grant(runId: string): Promise<boolean> {
    return this.gate(runId).acquire();
  }

  settle(runId: string, verdict: AuthVerdict): void {
    this.gate(runId).settle(verdict);
  }

  /** Validates what the page sent, adds it to the run as one more attempt and returns the new results. */
  async attach(runId: string, registration: unknown, at: BrowserAttemptRequest): Promise<CheckResult> {
    const result = this.finished(runId);
    const reg = v.parse(BrowserRegistrationSchema, registration);
    const status = reg.connected ? undefined : await this.handshake({ url: at.url, origin: at.origin, ...(at.caPem ? { caPem: at.caPem } : {}) });
    const { attempt, trace } = browserAttempt(reg, {
      id: Math.max(0, ...result.attempts.map((a) => a.id)) + 1,
      firstSeq: Math.max(0, ...result.trace.map((e) => e.seq)) + 1,
      startT: result.durationMs,
      url: at.url,
      origin: at.origin,
      ...(status !== undefined && status !== null ? { originHandshakeStatus: status } : {}),
    });
    const failures = this.gates.get(runId)?.failureCount ?? 0;
    const joined: CheckResult = {
      ...result,
      attempts: [...result.attempts, attempt],
      trace: [...result.trace, ...trace],
      authFailures: result.authFailures + failures,
    };
    this.runs.replace(runId, joined);
    this.gates.delete(runId);
    return joined;
  }
}
