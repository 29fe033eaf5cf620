// The app page's side of the browser registration: a hidden iframe with the registration's page
// (webrtc.html, its CSP allowing only this run's WS/WSS server), the budget asked of the backend
// for it, and its registration joined to the run. An iframe rather than a window: nothing to show,
// nothing the user could leave open, and it goes away with the results.
import type { Diagnosis } from '../../../shared/diagnosis/types.js';
import type { CheckResult } from '../../../shared/model/results.js';
import { WEBRTC_PAGE, WEBRTC_PAGE_RUN_PARAM } from '../../../shared/webrtc/page-csp.js';
import { api } from '../api.js';
import { fromOwn, type FromFrame, type ToFrame } from './frame-messages.js';
import { CONNECT_TIMEOUT_S, REGISTER_DEADLINE_MS, UNREGISTER_DEADLINE_MS, type BrowserRegisterInput } from './sipjs-register.js';

/** The registration page's load (a small local file). */
export const FRAME_READY_DEADLINE_MS = 10_000;
/** The whole registration: sip.js's own deadlines, plus the backend's answers and the Origin handshake. */
export const BROWSER_RUN_DEADLINE_MS = CONNECT_TIMEOUT_S * 1000 + REGISTER_DEADLINE_MS + UNREGISTER_DEADLINE_MS + 10_000;

export type BrowserRunEnd = { kind: 'joined'; result: CheckResult; diagnosis: Diagnosis } | { kind: 'skipped' } | { kind: 'failed'; message: string };

export interface BrowserRun {
  /** Resolves once, however it ends. */
  done: Promise<BrowserRunEnd>;
  /** Skips the registration if it has not started (nothing was sent); false once it has (it finishes and removes its binding). */
  skip(): boolean;
}

export function startBrowserRun(runId: string, input: BrowserRegisterInput, onRegistering: () => void): BrowserRun {
  const frame = document.createElement('iframe');
  frame.hidden = true;
  frame.title = 'registration from the browser';
  frame.setAttribute('data-testid', 'webrtc-frame');
  frame.src = `${WEBRTC_PAGE}?${WEBRTC_PAGE_RUN_PARAM}=${runId}`;
  let registering = false;
  let finish: (end: BrowserRunEnd) => void = () => undefined;
  const done = new Promise<BrowserRunEnd>((resolve) => {
    finish = (end) => {
      clearTimeout(readyTimer);
      clearTimeout(runTimer);
      window.removeEventListener('message', onMessage);
      frame.remove();
      resolve(end);
      finish = () => undefined;
    };
  });
  const post = (m: ToFrame): void => frame.contentWindow?.postMessage(m, window.location.origin);
  const fail = (e: unknown): void => finish({ kind: 'failed', message: (e as Error).message });
  function onMessage(e: MessageEvent): void {
    if (!fromOwn(e, frame.contentWindow)) return;
    const m = e.data as FromFrame;
    if (m.type === 'ready' && !registering) {
      registering = true;
      clearTimeout(readyTimer);
      onRegistering();
      post({ type: 'register', input });
    } else if (m.type === 'grant') {
      api.webrtcGrant(runId).then(
        (ok) => post({ type: 'granted', id: m.id, ok }),
        () => post({ type: 'granted', id: m.id, ok: false }),
      );
    } else if (m.type === 'settle') {
      api
        .webrtcSettle(runId, m.verdict)
        .finally(() => post({ type: 'settled', id: m.id }))
        .catch(() => undefined);
    } else if (m.type === 'result') {
      api.webrtcAttach(runId, m.registration, input.url, window.location.origin).then((joined) => finish({ kind: 'joined', ...joined }), fail);
    } else if (m.type === 'blocked') {
      finish({ kind: 'failed', message: `this page's own security policy stopped the WebSocket (${m.detail}); nothing was sent` });
    }
  }
  window.addEventListener('message', onMessage);
  const readyTimer = setTimeout(() => finish({ kind: 'failed', message: 'the registration page did not load' }), FRAME_READY_DEADLINE_MS);
  const runTimer = setTimeout(() => finish({ kind: 'failed', message: `no result within ${BROWSER_RUN_DEADLINE_MS / 1000} s` }), BROWSER_RUN_DEADLINE_MS);
  document.body.appendChild(frame);
  return {
    done,
    skip: () => {
      if (registering) return false;
      finish({ kind: 'skipped' });
      return true;
    },
  };
}
