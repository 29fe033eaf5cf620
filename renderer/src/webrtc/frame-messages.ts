// What the app's page and the browser registration's page (webrtc.html, in a hidden iframe of the
// same origin) say to each other with postMessage. The frame holds no token and calls no API: the
// parent asks the backend for the budget (webrtcGrant/webrtcSettle) and joins the result.
import type { BrowserRegistration } from '../../../shared/webrtc/browser-attempt.js';
import type { BrowserRegisterInput } from './sipjs-register.js';

export type Verdict = 'accepted' | 'unaccepted' | 'unsent';

/** Parent → frame. */
export type ToFrame = { type: 'register'; input: BrowserRegisterInput } | { type: 'granted'; id: number; ok: boolean } | { type: 'settled'; id: number };

/** Frame → parent. `blocked`: the frame's own CSP refused the WebSocket (not the server's doing, so no attempt). */
export type FromFrame =
  | { type: 'ready' }
  | { type: 'grant'; id: number }
  | { type: 'settle'; id: number; verdict: Verdict }
  | { type: 'result'; registration: BrowserRegistration }
  | { type: 'blocked'; detail: string };

/** Only messages from `source` on our own origin count (another frame or site could post anything). */
export function fromOwn(e: MessageEvent, source: MessageEventSource | null): boolean {
  return (
    e.origin === window.location.origin &&
    e.source === source &&
    typeof e.data === 'object' &&
    e.data !== null &&
    typeof (e.data as { type?: unknown }).type === 'string'
  );
}
