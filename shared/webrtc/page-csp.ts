// The CSP of the browser registration's own page (renderer/webrtc.html), loaded in a hidden iframe
// of the app's page after a check. The app's page keeps connect-src 'self'; only this small page,
// which runs nothing but sip.js for one run, may open a WebSocket, and only to that run's WS/WSS
// server: its connect-src is computed per request from the finished run (electron/webrtc/
// browser-target.ts), never `ws: wss:`. It calls no API itself (the parent page does, through
// postMessage), so it needs no 'self' in connect-src.
import { CSP } from '../ipc/csp.js';

/** The page's file in the renderer's build, and its query parameter naming the run. */
export const WEBRTC_PAGE = 'webrtc.html';
export const WEBRTC_PAGE_RUN_PARAM = 'run';

/** The app's CSP with connect-src exactly the run's targets ('none' when it has none) and framing by the app's own page only. */
export function webrtcPageCsp(targetOrigins: readonly string[]): string {
  return CSP.replace("connect-src 'self'", `connect-src ${targetOrigins.length ? targetOrigins.join(' ') : "'none'"}`).replace(
    "frame-ancestors 'none'",
    "frame-ancestors 'self'",
  );
}

/**
 * The page's <meta> policy: a floor for a copy of the page served without our header (any ws/wss
 * server, nothing else). Policies intersect, so under the header the exact targets are what hold.
 */
export const WEBRTC_PAGE_CSP_META = webrtcPageCsp(['ws:', 'wss:'])
  .split('; ')
  .filter((d) => !d.startsWith('frame-ancestors'))
  .join('; ');
