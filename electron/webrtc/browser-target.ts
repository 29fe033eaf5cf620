// Where the page's sip.js registration may connect: only to a WebSocket server the engine's run
// itself tried (one of its WS/WSS attempts). The backend refuses any other URL, and the page's CSP
// (browser-page-csp.ts) allows exactly these origins, so a page can never be made to send the
// user's credentials anywhere the user did not check.
import type { CheckResult } from '../../shared/model/results.js';
import { webSocketTarget } from '../../shared/webrtc/browser-attempt.js';

/** `ws(s)://host:port` of each WS/WSS attempt of the run (IPv6 in brackets, RFC 3986 §3.2.2), the WSS ones first. */
export function browserTargetOrigins(result: CheckResult): string[] {
  const origins = result.attempts
    .filter((a) => (a.transport === 'ws' || a.transport === 'wss') && a.browser === undefined)
    .sort((a, b) => (a.transport === b.transport ? 0 : a.transport === 'wss' ? -1 : 1))
    .map((a) => `${a.transport}://${a.target.host.includes(':') ? `[${a.target.host}]` : a.target.host}:${a.target.port}`.toLowerCase());
  return [...new Set(origins)];
}

/** The URL if its origin is one the run tried; otherwise an error the user may read. */
export function checkedTargetUrl(result: CheckResult, url: string): string {
  const { transport, host, port } = webSocketTarget(url);
  const origin = `${transport}://${host.includes(':') ? `[${host}]` : host}:${port}`.toLowerCase();
  if (!browserTargetOrigins(result).includes(origin)) throw new Error(`the browser may register only with a WebSocket server the check tried (${origin} was not one)`);
  return url;
}
