// The WebSocket handshake the page's browser makes, repeated by the main process with the page's
// Origin header (RFC 6455 §4.1): a browser tells the page nothing when a WebSocket fails, but the
// HTTP status of this handshake says whether the server refuses that origin.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { webSocketTarget } from '../../shared/webrtc/browser-attempt.js';

/** The handshake's deadline: connect, TLS and the server's answer. */
export const ORIGIN_HANDSHAKE_TIMEOUT_MS = 5_000;

export interface OriginHandshake {
  url: string;
  origin: string;
  /** Extra CA to trust, as the engine's WSS attempt does (--ca-file). */
  caPem?: string;
}

/** The HTTP status the server answered (101: upgrade accepted), or null when no answer came (TLS failure, refused, timeout). */
export function originHandshakeStatus(o: OriginHandshake): Promise<number | null> {
  const { transport, host, port } = webSocketTarget(o.url);
  const path = /^wss?:\/\/[^/]+(\/[^#]*)?/i.exec(o.url)?.[1] ?? '/';
  const request = transport === 'wss' ? https.request : http.request;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (status: number | null, socket?: Duplex): void => {
      socket?.destroy();
      if (settled) return;
      settled = true;
      req.destroy();
      resolve(status);
    };
    const req = request({
      host,
      port,
      path,
      method: 'GET',
      timeout: ORIGIN_HANDSHAKE_TIMEOUT_MS,
      ...(o.caPem ? { ca: o.caPem } : {}),
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
        'Sec-WebSocket-Protocol': 'sip',
        Origin: o.origin,
      },
    });
    req.on('upgrade', (res, socket) => finish(res.statusCode ?? 101, socket));
    req.on('response', (res) => {
      res.resume();
      finish(res.statusCode ?? null);
    });
    req.on('timeout', () => finish(null));
    req.on('error', () => finish(null));
    req.end();
  });
}
