// SIP over WebSocket (RFC 7118): one SIP message per WebSocket message, subprotocol "sip".
// We use the `ws` package rather than sip.js's transport because the probe needs the raw bytes,
// the socket addresses and the TLS details of every exchange, which sip.js does not expose.
import type tls from 'node:tls';
import type { WebSocket } from 'ws';
import { hostForSip } from '../../../shared/sip/uri.js';
import type { TlsInfo } from '../../../shared/model/results.js';
import { classifySocketError, type OpenOptions, type OpenResult, type SipChannel } from './channel.js';
import { servernameFor, tlsInfoOf } from './stream.js';

/** Largest WebSocket message accepted from the server. */
export const MAX_WS_MESSAGE_BYTES = 65_535;

/** The SIP channel over an open WebSocket (RFC 7118 §5: each SIP message is one text message). */
function wsChannel(o: OpenOptions, ws: WebSocket, state: { closed: boolean }): SipChannel {
  const sock = (ws as unknown as { _socket?: { localAddress?: string; localPort?: number } })._socket;
  return {
    transport: o.transport,
    local: { address: sock?.localAddress ?? '', port: sock?.localPort ?? 0 },
    remote: o.remote,
    send: (bytes) => {
      if (!state.closed && ws.readyState === ws.OPEN) ws.send(Buffer.from(bytes).toString('utf8'));
    },
    close: () => {
      state.closed = true;
      ws.terminate();
    },
  };
}

export async function openWs(o: OpenOptions): Promise<OpenResult> {
  const { WebSocket } = await import('ws'); // loaded on first use, like sql.js and esbuild: every CLI command starts sooner
  return new Promise((resolve) => {
    const secure = o.transport === 'wss';
    const servername = servernameFor(o.host);
    const url = `${secure ? 'wss' : 'ws'}://${hostForSip(o.remote.address)}:${o.remote.port}${o.wsPath}`;
    const ws = new WebSocket(url, 'sip', {
      headers: { Host: `${hostForSip(o.host)}:${o.remote.port}` },
      servername: servername || undefined,
      rejectUnauthorized: false,
      ca: o.caPem,
      localPort: o.localPort,
      handshakeTimeout: o.connectTimeoutMs,
      maxPayload: MAX_WS_MESSAGE_BYTES,
      perMessageDeflate: false,
    } as ConstructorParameters<typeof WebSocket>[2]);
    let settled = false;
    const state = { open: false, closed: false };
    let tlsInfo: TlsInfo | undefined;
    const finish = (r: OpenResult): void => {
      if (settled) return;
      settled = true;
      o.signal.removeEventListener('abort', onAbort);
      if (!r.ok) ws.terminate();
      resolve(r);
    };
    const onAbort = (): void => finish({ ok: false, outcome: 'aborted', detail: 'cancelled while connecting' });
    o.signal.addEventListener('abort', onAbort, { once: true });
    ws.on('upgrade', (res) => {
      if (secure) tlsInfo = tlsInfoOf(res.socket as tls.TLSSocket, servername, o.host);
    });
    ws.on('unexpected-response', (_req, res) => {
      finish({
        ok: false,
        outcome: 'protocol-error',
        detail: `WebSocket upgrade refused: HTTP ${res.statusCode} ${res.statusMessage ?? ''}`.trim(),
        tls: tlsInfo,
      });
    });
    ws.on('error', (e: NodeJS.ErrnoException) => {
      if (!state.open) {
        if (/handshake has timed out/i.test(e.message))
          return finish({ ok: false, outcome: 'no-response', detail: `WebSocket handshake not completed within ${o.connectTimeoutMs} ms` });
        if (secure && /SSL|TLS|certificate|alert|wrong version/i.test(e.message)) {
          return finish({
            ok: false,
            outcome: 'tls-failure',
            detail: `TLS handshake failed: ${e.message}`,
            tls: { verified: false, verifyError: e.message, servername },
          });
        }
        const c = classifySocketError(e);
        return finish({ ok: false, ...c, detail: c.outcome === 'reset' && !e.code ? `WebSocket handshake failed: ${e.message}` : c.detail });
      }
      if (!state.closed) o.handlers.failure(/max payload/i.test(e.message) ? 'protocol-error' : 'reset', e.message);
    });
    ws.on('close', (code, reason) => {
      if (state.open && !state.closed) o.handlers.failure('reset', `WebSocket closed by the server (${code}${reason.length ? ' ' + reason.toString() : ''})`);
    });
    ws.on('message', (data: Buffer) => {
      if (!state.closed) o.handlers.message(new Uint8Array(data), o.remote);
    });
    ws.on('open', () => {
      if (ws.protocol !== 'sip') {
        finish({ ok: false, outcome: 'protocol-error', detail: `server did not accept the "sip" WebSocket subprotocol (RFC 7118 §4)`, tls: tlsInfo });
        return;
      }
      if (secure && o.tlsVerify && tlsInfo && !tlsInfo.verified) {
        finish({ ok: false, outcome: 'tls-failure', detail: `certificate not accepted: ${tlsInfo.verifyError}`, tls: tlsInfo });
        return;
      }
      state.open = true;
      finish({ ok: true, tls: tlsInfo, channel: wsChannel(o, ws, state) });
    });
  });
}
