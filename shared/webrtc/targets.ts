// The WebSocket servers a finished check tried, where the page's sip.js registration may go (the
// backend checks the page's URL against them, the registration page's CSP allows exactly them).
import type { CheckResult } from '../model/results.js';

/** `ws(s)://host:port` (RFC 6455 §3) with an IPv6 host in brackets (RFC 3986 §3.2.2), lower case. */
export function webSocketOrigin(transport: 'ws' | 'wss', host: string, port: number): string {
  return `${transport}://${host.includes(':') ? `[${host}]` : host}:${port}`.toLowerCase();
}

/** The origins of the run's own WS/WSS attempts (not the browser's), the WSS ones first: what a WebRTC phone would use. */
export function browserTargetOrigins(result: CheckResult): string[] {
  const origins = result.attempts
    .filter((a) => (a.transport === 'ws' || a.transport === 'wss') && a.browser === undefined)
    .sort((a, b) => (a.transport === b.transport ? 0 : a.transport === 'wss' ? -1 : 1))
    .map((a) => webSocketOrigin(a.transport as 'ws' | 'wss', a.target.host, a.target.port));
  return [...new Set(origins)];
}
