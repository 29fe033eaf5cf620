// The backend's webrtc* methods (shared/ipc/methods.ts): the page's sip.js registration after a
// check, with the budget, validation and joining of BrowserAttempts over the app's finished runs.
// Arguments arrive parsed by the method table's schemas; the URL is checked here against the run.
import { diagnose } from '../../shared/diagnosis/diagnose.js';
import type { BackendMethods } from '../../shared/ipc/methods.js';
import { BrowserAttempts, type FinishedRuns } from './browser-attempts.js';
import { browserTargetOrigins } from '../../shared/webrtc/targets.js';
import { checkedTargetUrl } from './browser-target.js';
import { webrtcPageCsp } from '../../shared/webrtc/page-csp.js';
import { RunIdSchema } from '../../shared/ipc/schemas.js';
import * as v from 'valibot';

/**
 * The registration page's CSP for a run (served with renderer/webrtc.html by both shells): connect-src
 * the run's own WS/WSS servers; null (the page is not served) for a malformed or unknown run id or a
 * run that tried no WebSocket server.
 */
export function webrtcPageCspFor(runs: FinishedRuns, runId: string | null): string | null {
  const result = v.is(RunIdSchema, runId) ? runs.result(runId) : undefined;
  const origins = result ? browserTargetOrigins(result) : [];
  return origins.length ? webrtcPageCsp(origins) : null;
}

export type WebrtcMethods = Pick<BackendMethods, 'webrtcGrant' | 'webrtcSettle' | 'webrtcAttach'>;

export function webrtcMethods(runs: FinishedRuns, attempts = new BrowserAttempts(runs)): WebrtcMethods {
  /** The run's results, refused when it tried no WebSocket server (there is nothing for the page to register with). */
  const withTarget = (runId: string) => {
    const result = runs.result(runId);
    if (!result) throw new Error('the check has not finished (or is no longer kept): run it again');
    if (browserTargetOrigins(result).length === 0) throw new Error('the check tried no WS or WSS server: nothing to register with from the browser');
    return result;
  };
  return {
    webrtcGrant: (runId) => {
      withTarget(runId);
      return attempts.grant(runId);
    },
    webrtcSettle: (runId, verdict) => {
      withTarget(runId);
      attempts.settle(runId, verdict);
    },
    webrtcAttach: async (runId, registration, url, origin) => {
      const result = await attempts.attach(runId, registration, { url: checkedTargetUrl(withTarget(runId), url), origin });
      return { result, diagnosis: diagnose(result) };
    },
  };
}
