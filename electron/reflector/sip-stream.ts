// The SIP mirror over TCP, TLS and WebSocket. A stream proves return routability by its handshake,
// so no cookie is needed, but a public server must bound what strangers can hold: connections in
// all and per source address, the time a message may take to complete (bytes do not extend it),
// idle time, the size of one message, and unsent answers of a peer that does not read.
import { createServer as createHttpServer } from 'node:http';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import type { WebSocket } from 'ws';
import { StreamFramer } from '../../shared/sip/framer.js';
import { guarded, socketError, type ReflectorContext } from './context.js';
import { reflect } from './sip-mirror.js';

/** Stream connections idle this long are closed. */
export const IDLE_MS = 30_000;
/** A message that has started must be complete within this time, however slowly its bytes trickle in. */
export const MESSAGE_DEADLINE_MS = 10_000;
/** Connections open at once, over all stream listeners, and from one source address. */
export const MAX_CONNECTIONS = 1024;
export const MAX_CONNECTIONS_PER_SOURCE = 16;
/** Largest request on a stream (the probes send at most 8 KB). */
export const MAX_STREAM_REQUEST_BYTES = 16 * 1024;
/** A peer with this many answer bytes it has not read is dropped. */
export const MAX_UNSENT_BYTES = 256 * 1024;
/** TLS and WebSocket handshakes must complete within this time. */
export const HANDSHAKE_MS = 5000;

export interface ConnectionLimits {
  total: number;
  perSource: number;
}

/** Counts open connections; memory is bounded by the total cap (one entry per open source). */
export class ConnectionGate {
  private open = 0;
  private readonly bySource = new Map<string, number>();

  constructor(private readonly limits: ConnectionLimits = { total: MAX_CONNECTIONS, perSource: MAX_CONNECTIONS_PER_SOURCE }) {}

  admit(source: string): boolean {
    const mine = this.bySource.get(source) ?? 0;
    if (this.open >= this.limits.total || mine >= this.limits.perSource) return false;
    this.open++;
    this.bySource.set(source, mine + 1);
    return true;
  }

  release(source: string): void {
    const mine = this.bySource.get(source) ?? 0;
    this.open--;
    if (mine <= 1) this.bySource.delete(source);
    else this.bySource.set(source, mine - 1);
  }
}

/** Admits a fresh socket through the gate, or destroys it (false); always gives it an error listener first. */
function admit(socket: net.Socket, gate: ConnectionGate, ctx: ReflectorContext, what: string): boolean {
  const source = socket.remoteAddress ?? '';
  socket.on('error', socketError(ctx, `${what} ${source}`));
  if (!gate.admit(source)) {
    ctx.stats.connectionsRefused++;
    ctx.log(`${what} ${source} connection refused: over the connection cap`);
    socket.destroy();
    return false;
  }
  socket.once('close', () => gate.release(source));
  socket.setTimeout(IDLE_MS, () => socket.destroy());
  return true;
}

/** A timer started by the first byte of a message and stopped by its end; bytes in between do not extend it. */
function messageDeadline(socket: net.Socket, o: StreamListen, what: string): { started(): void; completed(): void } {
  let timer: NodeJS.Timeout | null = null;
  const completed = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  socket.once('close', completed);
  return {
    started: () => {
      timer ??= setTimeout(() => {
        o.ctx.stats.messageDeadlines++;
        o.ctx.log(`${what} message not complete within ${o.messageDeadlineMs} ms: connection closed`);
        socket.destroy();
      }, o.messageDeadlineMs);
    },
    completed,
  };
}

/** The answer to one framed request from `socket`'s peer, within the budget, or null. */
function answerFor(raw: Uint8Array, socket: net.Socket, transport: string, ctx: ReflectorContext): Uint8Array | null {
  const from = { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 };
  const who = `sip ${transport} ${from.address}:${from.port}`;
  const out = reflect(raw, from, transport);
  if (out.kind !== 'answer') {
    ctx.stats.ignored++;
    return null;
  }
  if (!ctx.budget.allow(from.address, out.bytes.length)) {
    ctx.stats.overBudget++;
    ctx.log(`${who} over budget, not answered`);
    return null;
  }
  ctx.stats.answered++;
  ctx.log(`${who} ${raw.length} bytes in, ${out.bytes.length} out${out.note ? ` (${out.note})` : ''}`);
  return out.bytes;
}

/** Writes an answer unless the peer already has too much unread; such a peer is dropped. */
function writeAnswer(socket: net.Socket, bytes: Uint8Array, write: () => void): void {
  if (socket.writableLength + bytes.length > MAX_UNSENT_BYTES) return void socket.destroy();
  write();
}

function serveStream(socket: net.Socket, transport: 'tcp' | 'tls', o: StreamListen): void {
  const { ctx } = o;
  const framer = new StreamFramer(MAX_STREAM_REQUEST_BYTES);
  const deadline = messageDeadline(socket, o, `sip ${transport} ${socket.remoteAddress}`);
  socket.on(
    'data',
    guarded(ctx, `sip ${transport}`, (chunk: Buffer) => {
      for (const ev of framer.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength))) {
        if (ev.type === 'error') return void socket.destroy();
        if (ev.type !== 'message') continue;
        const out = answerFor(ev.bytes, socket, transport, ctx);
        if (out) writeAnswer(socket, out, () => socket.write(out));
      }
      if (framer.pending > 0) deadline.started();
      else deadline.completed();
    }),
  );
}

export interface StreamListen {
  listen: string;
  gate: ConnectionGate;
  ctx: ReflectorContext;
  /** MESSAGE_DEADLINE_MS unless a test shortens it. */
  messageDeadlineMs: number;
}

function listening(server: net.Server, port: number, o: StreamListen, name: string): Promise<() => void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, o.listen, () => {
      server.removeListener('error', reject);
      server.on('error', socketError(o.ctx, `${name} listener`));
      o.ctx.log(`sip ${name} listening on ${o.listen}:${port}`);
      resolve(() => server.close());
    });
  });
}

export function listenTcp(port: number, o: StreamListen): Promise<() => void> {
  const server = net.createServer((s) => admit(s, o.gate, o.ctx, 'tcp') && serveStream(s, 'tcp', o));
  return listening(server, port, o, 'tcp');
}

export function listenTls(port: number, certFile: string, keyFile: string, o: StreamListen): Promise<() => void> {
  const server = tls.createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile), handshakeTimeout: HANDSHAKE_MS }, (s) => {
    s.on('error', socketError(o.ctx, `tls ${s.remoteAddress}`));
    serveStream(s, 'tls', o);
  });
  server.on('connection', (s) => admit(s, o.gate, o.ctx, 'tls'));
  server.on('tlsClientError', (e) => socketError(o.ctx, 'tls handshake')(e));
  return listening(server, port, o, 'tls');
}

function serveWebSocket(ws: WebSocket, socket: net.Socket, o: StreamListen): void {
  const { ctx } = o;
  ws.on('error', socketError(ctx, `ws ${socket.remoteAddress}`));
  const deadline = messageDeadline(socket, o, `sip ws ${socket.remoteAddress}`);
  // Runs before the ws parser: a chunk that completes a message stops the timer right after.
  socket.prependListener('data', () => deadline.started());
  ws.on(
    'message',
    guarded(ctx, 'sip ws', (data: Buffer) => {
      deadline.completed();
      const out = answerFor(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), socket, 'ws', ctx);
      if (out) writeAnswer(socket, out, () => ws.send(Buffer.from(out).toString('utf8'), (e) => e && socketError(ctx, 'sip ws send')(e)));
    }),
  );
  for (const control of ['ping', 'pong'] as const) ws.on(control, () => deadline.completed());
}

export async function listenWs(port: number, o: StreamListen): Promise<() => void> {
  const { WebSocketServer } = await import('ws'); // loaded on first use: every CLI command starts sooner
  // Node checks these timeouts every connectionsCheckingInterval (30 s by default): check each second.
  const http = createHttpServer({ headersTimeout: HANDSHAKE_MS, requestTimeout: HANDSHAKE_MS, connectionsCheckingInterval: 1000 }, (_req, res) =>
    res.writeHead(426).end(),
  );
  http.on('connection', (s) => admit(s, o.gate, o.ctx, 'ws'));
  http.on('clientError', (e, s) => {
    socketError(o.ctx, 'ws http')(e);
    s.destroy();
  });
  const wss = new WebSocketServer({ server: http, maxPayload: MAX_STREAM_REQUEST_BYTES, handleProtocols: (p) => (p.has('sip') ? 'sip' : false) });
  wss.on('error', socketError(o.ctx, 'ws listener'));
  wss.on('wsClientError', (e, s) => {
    socketError(o.ctx, 'ws handshake')(e);
    s.destroy();
  });
  wss.on('connection', (ws, req) => serveWebSocket(ws, req.socket, o));
  return listening(http, port, o, 'ws').then((close) => () => {
    wss.close();
    close();
  });
}
