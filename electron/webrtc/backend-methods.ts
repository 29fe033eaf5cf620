// The backend's webrtc* methods (shared/ipc/methods.ts): the page's sip.js registration after a
// check, with the budget, validation and joining of BrowserAttempts over the app's finished runs.
// Arguments arrive parsed by the method table's schemas; the URL is checked here against the run.
import { diagnose } from '../../shared/diagnosis/diagnose.js';
import type { BackendMethods } from '../../shared/ipc/methods.js';
import { BrowserAttempts, type FinishedRuns } from './browser-attempts.js';
import { browserTargetOrigins, checkedTargetUrl } from './browser-target.js';

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
