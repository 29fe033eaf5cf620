// Where the page's sip.js registration may connect: only to a WebSocket server the engine's run
// itself tried (one of its WS/WSS attempts, shared/webrtc/targets.ts). The backend refuses any
// other URL, and the registration page's CSP allows exactly these origins (page-csp.ts), so a page
// can never be made to send the user's credentials anywhere the user did not check.
import type { CheckResult } from '../../shared/model/results.js';
import { webSocketTarget } from '../../shared/webrtc/browser-attempt.js';
import { browserTargetOrigins, webSocketOrigin } from '../../shared/webrtc/targets.js';

/** The URL if its origin is one the run tried; otherwise an error the user may read. */
export function checkedTargetUrl(result: CheckResult, url: string): string {
  const { transport, host, port } = webSocketTarget(url);
  const origin = webSocketOrigin(transport, host, port);
  if (!browserTargetOrigins(result).includes(origin))
    throw new Error(`the browser may register only with a WebSocket server the check tried (${origin} was not one)`);
  return url;
}
