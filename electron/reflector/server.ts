// `sipladder reflector`: a companion server a provider runs next to its SIP server, answering what
// an ordinary registrar cannot show (README "Reflector"). Every answer goes only to the source of
// the request, within per-address and per-prefix budgets; over UDP nothing larger than the request
// goes to a source that has not proven it receives our packets (cookie.ts); no socket error and no
// hostile input ends the process (context.ts).
import { DEFAULT_LIMITS, SourceBudget, type BudgetLimits } from './budget.js';
import { CallbackRegistrar } from './callback.js';
import { bindUdp, newStats, throttledLog, type ReflectorContext, type ReflectorStats } from './context.js';
import { CookieJar } from './cookie.js';
import { serveSipUdp } from './sip-udp.js';
import {
  ConnectionGate,
  listenTcp,
  listenTls,
  listenWs,
  MAX_CONNECTIONS,
  MAX_CONNECTIONS_PER_SOURCE,
  MESSAGE_DEADLINE_MS,
  type ConnectionLimits,
  type StreamListen,
} from './sip-stream.js';
import { startStunServer, type StunServerConfig } from './stun-server.js';

export interface ReflectorConfig {
  listen: string;
  /** UDP and TCP ports for SIP (5060, where ALGs act, and another one). */
  sipPorts: number[];
  tls?: { port: number; certFile: string; keyFile: string };
  wsPort?: number;
  stun?: StunServerConfig;
}

/** Test seams: limits and clock (the defaults are the documented ones). */
export interface ReflectorTuning {
  limits?: BudgetLimits;
  connections?: ConnectionLimits;
  messageDeadlineMs?: number;
  now?: () => number;
}

export interface Reflector {
  /** Ports actually bound (port 0 in the config picks a free one), in config order. */
  sipPorts: number[];
  stats: ReflectorStats;
  close(): Promise<void>;
}

export async function startReflector(c: ReflectorConfig, log: (line: string) => void, tuning: ReflectorTuning = {}): Promise<Reflector> {
  const now = tuning.now ?? (() => Date.now());
  const ctx: ReflectorContext = {
    budget: new SourceBudget(now, tuning.limits ?? DEFAULT_LIMITS),
    cookies: new CookieJar(undefined, now),
    stats: newStats(),
    log: throttledLog(log, now),
  };
  ctx.callbacks = new CallbackRegistrar(ctx, now);
  const closers: Array<() => void> = [() => ctx.callbacks?.close()];
  const close = async (): Promise<void> => void closers.splice(0).forEach((done) => done());
  const bound: number[] = [];
  const streams: StreamListen = {
    listen: c.listen,
    ctx,
    gate: new ConnectionGate(tuning.connections ?? { total: MAX_CONNECTIONS, perSource: MAX_CONNECTIONS_PER_SOURCE }),
    messageDeadlineMs: tuning.messageDeadlineMs ?? MESSAGE_DEADLINE_MS,
  };
  try {
    // Knocks leave from a port no client ever sends to, so a NAT sees a truly unsolicited packet.
    const knocker = await bindUdp(c.listen, 0, ctx, 'knock socket');
    closers.push(() => knocker.close());
    for (const port of c.sipPorts) {
      const udp = await bindUdp(c.listen, port, ctx, 'sip udp');
      closers.push(() => udp.close());
      const actual = udp.address().port;
      bound.push(actual);
      serveSipUdp(udp, knocker, ctx);
      ctx.log(`sip udp listening on ${c.listen}:${actual}`);
      closers.push(await listenTcp(actual, streams));
    }
    if (c.tls) closers.push(await listenTls(c.tls.port, c.tls.certFile, c.tls.keyFile, streams));
    if (c.wsPort !== undefined) closers.push(await listenWs(c.wsPort, streams));
    if (c.stun) {
      const stun = await startStunServer(c.stun, ctx);
      closers.push(() => stun.close());
    }
  } catch (e) {
    await close();
    throw e;
  }
  return { sipPorts: bound, stats: ctx.stats, close };
}
