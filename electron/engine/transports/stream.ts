// TCP and TLS flows (RFC 3261 §18; TLS per §26.3.1 with SNI and host-name checks).
import net from 'node:net';
import tls from 'node:tls';
import { StreamFramer } from '../../../shared/sip/framer.js';
import type { CertificateInfo, TlsInfo } from '../../../shared/model/results.js';
import { classifySocketError, type OpenOptions, type OpenResult, type SipChannel } from './channel.js';

export function certificateInfo(cert: tls.PeerCertificate): CertificateInfo | undefined {
  if (!cert || !cert.subject) return undefined;
  const dn = (x: Record<string, string | string[]> | undefined): string =>
    x
      ? Object.entries(x)
          .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`)
          .join(', ')
      : '';
  return {
    subject: dn(cert.subject as unknown as Record<string, string>),
    issuer: dn(cert.issuer as unknown as Record<string, string>),
    validFrom: new Date(cert.valid_from).toISOString(),
    validTo: new Date(cert.valid_to).toISOString(),
    subjectAltNames: (cert.subjectaltname ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    fingerprint256: cert.fingerprint256,
  };
}

/** Chain verification (socket.authorized) plus the host-name check that rejectUnauthorized:false skips. */
export function tlsInfoOf(socket: tls.TLSSocket, servername: string, host: string): TlsInfo {
  const cert = socket.getPeerCertificate();
  let verifyError = socket.authorized ? undefined : String(socket.authorizationError ?? 'unverified');
  if (!verifyError && cert?.subject) {
    const idErr = tls.checkServerIdentity(host, cert);
    if (idErr) verifyError = `${(idErr as NodeJS.ErrnoException).code ?? 'ERR_TLS_CERT_ALTNAME_INVALID'}: ${idErr.message}`;
  }
  const cipher = socket.getCipher();
  return {
    verified: !verifyError,
    verifyError,
    servername,
    protocol: socket.getProtocol() ?? undefined,
    cipher: cipher ? `${cipher.standardName ?? cipher.name}` : undefined,
    certificate: certificateInfo(cert),
  };
}

export function servernameFor(host: string): string {
  // RFC 6066 §3: literal IP addresses are not permitted in SNI.
  return net.isIP(host) ? '' : host;
}

/** Whether the connection was handed out (failures are then reported, not returned) and whether we closed it. */
interface StreamState {
  open: boolean;
  closed: boolean;
}

/** Frames what the peer sends (RFC 3261 §18.3) and hands each message, keep-alive or framing error to the handlers. */
function deliverFrames(o: OpenOptions, socket: net.Socket, state: StreamState): void {
  const framer = new StreamFramer();
  socket.on('data', (chunk: Buffer) => {
    if (state.closed) return;
    // A view, not a copy: the framer copies what it keeps into its own buffer.
    for (const ev of framer.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength))) {
      if (ev.type === 'message') o.handlers.message(ev.bytes, o.remote);
      else if (ev.type === 'keepalive') o.handlers.other(ev.bytes, 'CRLF keep-alive');
      else {
        o.handlers.failure('protocol-error', ev.reason);
        socket.destroy();
      }
    }
  });
}

/** The SIP channel over a connected socket. */
function streamChannel(o: OpenOptions, socket: net.Socket, state: StreamState): SipChannel {
  return {
    transport: o.transport,
    local: { address: socket.localAddress ?? '', port: socket.localPort ?? 0 },
    remote: o.remote,
    send: (bytes) => {
      if (!state.closed && !socket.destroyed) socket.write(bytes);
    },
    close: () => {
      state.closed = true;
      socket.destroy();
    },
  };
}

export function openStream(o: OpenOptions): Promise<OpenResult> {
  return new Promise((resolve) => {
    const isTls = o.transport === 'tls';
    const servername = servernameFor(o.host);
    const base = { host: o.remote.address, port: o.remote.port, localPort: o.localPort };
    const socket: net.Socket = isTls
      ? tls.connect({ ...base, servername: servername || undefined, rejectUnauthorized: false, ca: o.caPem ? [...tls.rootCertificates, o.caPem] : undefined })
      : net.connect(base);
    let settled = false;
    const state: StreamState = { open: false, closed: false };
    const finish = (r: OpenResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      o.signal.removeEventListener('abort', onAbort);
      if (!r.ok) socket.destroy();
      resolve(r);
    };
    const onAbort = (): void => finish({ ok: false, outcome: 'aborted', detail: 'cancelled while connecting' });
    o.signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(
      () =>
        finish({
          ok: false,
          outcome: 'no-response',
          detail:
            isTls && socket.readyState === 'open'
              ? `TLS handshake not completed within ${o.connectTimeoutMs} ms`
              : `TCP connection not established within ${o.connectTimeoutMs} ms (SYN unanswered: filtered?)`,
        }),
      o.connectTimeoutMs,
    );

    socket.on('error', (e: NodeJS.ErrnoException) => {
      if (!state.open) {
        const c = classifySocketError(e);
        const tlsFailed = (isTls && socket.readyState === 'open') || /SSL|TLS|certificate|alert|wrong version/i.test(e.message);
        finish(
          tlsFailed && c.outcome !== 'refused'
            ? { ok: false, outcome: 'tls-failure', detail: `TLS handshake failed: ${e.message}`, tls: { verified: false, verifyError: e.message, servername } }
            : { ok: false, ...c },
        );
        return;
      }
      if (!state.closed) {
        const c = classifySocketError(e);
        o.handlers.failure(c.outcome, c.detail);
      }
    });
    socket.on('close', () => {
      if (state.open && !state.closed) o.handlers.failure('reset', 'the server closed the connection');
    });
    deliverFrames(o, socket, state);

    const ready = (tlsInfo?: TlsInfo): void => {
      if (settled) return;
      if (isTls && o.tlsVerify && tlsInfo && !tlsInfo.verified) {
        finish({ ok: false, outcome: 'tls-failure', detail: `certificate not accepted: ${tlsInfo.verifyError}`, tls: tlsInfo });
        return;
      }
      state.open = true;
      finish({
        ok: true,
        tls: tlsInfo,
        note: tlsInfo && !tlsInfo.verified ? `certificate NOT verified (${tlsInfo.verifyError}); continuing because verification is off` : undefined,
        channel: streamChannel(o, socket, state),
      });
    };
    if (isTls) socket.once('secureConnect', () => ready(tlsInfoOf(socket as tls.TLSSocket, servername, o.host)));
    else socket.once('connect', () => ready());
  });
}
