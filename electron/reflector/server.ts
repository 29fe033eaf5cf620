// `sipladder reflector`: a companion server a provider runs next to its SIP server, answering what
// an ordinary registrar cannot show (README "Reflector"). Every answer goes only to the source of
// the request, within a per-source budget.
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { WebSocketServer } from 'ws';
import { StreamFramer } from '../../shared/sip/framer.js';
import { SourceBudget } from './budget.js';
import { knockFor, mirrorResponse } from './sip-mirror.js';
import { startStunServer, type StunServerConfig } from './stun-server.js';

/** Stream connections (TCP, TLS, WebSocket) idle this long are closed: a public server must not hold them forever. */
export const IDLE_MS = 30_000;

export interface ReflectorConfig {
  listen: string;
  /** UDP and TCP ports for SIP (5060, where ALGs act, and another one). */
  sipPorts: number[];
  tls?: { port: number; certFile: string; keyFile: string };
  wsPort?: number;
  stun?: StunServerConfig;
}

export interface Reflector {
  /** Ports actually bound (port 0 in the config picks a free one), in config order. */
  sipPorts: number[];
  close(): Promise<void>;
}

export async function startReflector(c: ReflectorConfig, log: (line: string) => void): Promise<Reflector> {
  const budget = new SourceBudget();
  const closers: Array<() => void> = [];
  const bound: number[] = [];
  const answer = (raw: Uint8Array, from: { address: string; port: number }, transport: string): Uint8Array | null => {
    const out = mirrorResponse(raw, from, transport);
    if (!out) return null;
    if (!budget.allow(from.address, out.length)) {
      log(`sip ${transport} ${from.address}:${from.port} over budget, not answered`);
      return null;
    }
    log(`sip ${transport} ${from.address}:${from.port} ${raw.length} bytes in, ${out.length} out`);
    return out;
  };
  const serveStream = (socket: net.Socket, transport: string): void => {
    const framer = new StreamFramer();
    socket.setTimeout(IDLE_MS, () => socket.destroy());
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      for (const ev of framer.push(new Uint8Array(chunk))) {
        if (ev.type === 'error') return void socket.destroy();
        if (ev.type !== 'message') continue;
        const out = answer(ev.bytes, { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 }, transport);
        if (out) socket.write(out);
      }
    });
  };
  const listenTcp = (server: net.Server, port: number, name: string): Promise<void> => new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, c.listen, () => {
      log(`sip ${name} listening on ${c.listen}:${port}`);
      closers.push(() => server.close());
      resolve();
    });
  });
  // Knocks leave from a port no client ever sends to, so a NAT sees a truly unsolicited packet.
  const knocker = dgram.createSocket(c.listen.includes(':') ? 'udp6' : 'udp4');
  await new Promise<void>((resolve) => knocker.bind(0, c.listen, () => resolve()));
  knocker.on('error', () => undefined);
  closers.push(() => knocker.close());
  for (const port of c.sipPorts) {
    const udp = dgram.createSocket(c.listen.includes(':') ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(port, c.listen, () => resolve());
    });
    udp.on('error', () => undefined);
    const actual = udp.address().port;
    bound.push(actual);
    udp.on('message', (msg, r) => {
      const out = answer(new Uint8Array(msg), { address: r.address, port: r.port }, 'udp');
      if (out) udp.send(out, r.port, r.address);
      // Inbound reachability: the same source address and port, from a port it never talked to.
      const knock = out && knockFor(new Uint8Array(msg));
      if (knock && budget.allow(r.address, knock.length)) {
        knocker.send(knock, r.port, r.address);
        log(`knock ${r.address}:${r.port} from port ${knocker.address().port}`);
      }
    });
    closers.push(() => udp.close());
    log(`sip udp listening on ${c.listen}:${actual}`);
    await listenTcp(net.createServer((s) => serveStream(s, 'tcp')), actual, 'tcp');
  }
  if (c.tls) {
    const server = tls.createServer({ cert: readFileSync(c.tls.certFile), key: readFileSync(c.tls.keyFile) }, (s) => serveStream(s, 'tls'));
    await listenTcp(server, c.tls.port, 'tls');
  }
  if (c.wsPort !== undefined) {
    const wss = new WebSocketServer({ host: c.listen, port: c.wsPort, maxPayload: 65_535, handleProtocols: (p) => (p.has('sip') ? 'sip' : false) });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    wss.on('connection', (ws, req) => {
      req.socket.setTimeout(IDLE_MS, () => ws.terminate());
      ws.on('message', (data: Buffer) => {
        const out = answer(new Uint8Array(data), { address: req.socket.remoteAddress ?? '', port: req.socket.remotePort ?? 0 }, 'ws');
        if (out) ws.send(Buffer.from(out).toString('utf8'));
      });
    });
    closers.push(() => wss.close());
    log(`sip ws listening on ${c.listen}:${c.wsPort}`);
  }
  if (c.stun) {
    const stun = await startStunServer(c.stun, budget, log);
    closers.push(() => stun.close());
  }
  return { sipPorts: bound, close: async () => closers.forEach((close) => close()) };
}
