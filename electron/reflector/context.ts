// What every reflector listener shares: the budget, the cookie jar, counters, and the rule that no
// socket error and no hostile datagram may end the process — every handler is guarded and logged.
import dgram from 'node:dgram';
import type { SourceBudget } from './budget.js';
import type { CallbackRegistrar } from './callback.js';
import type { CookieJar } from './cookie.js';

/** Log lines per second before the rest are counted instead of printed (a flood must not flood the log). */
export const LOG_LINES_PER_SECOND = 50;

export interface ReflectorStats {
  /** Answers sent (SIP and STUN, every transport; knocks counted separately). */
  answered: number;
  knocks: number;
  /** UDP answers not sent because even the smallest one was larger than the unproven request. */
  withheld: number;
  overBudget: number;
  /** Datagrams and stream messages that were not requests this reflector answers. */
  ignored: number;
  /** Socket errors and exceptions from handlers fed hostile input: logged, never fatal. */
  errors: number;
  /** Stream connections refused by the global or per-source cap. */
  connectionsRefused: number;
  /** Stream connections closed because a message did not complete within its deadline. */
  messageDeadlines: number;
}

export interface ReflectorContext {
  budget: SourceBudget;
  cookies: CookieJar;
  stats: ReflectorStats;
  /** The callback test's registrar (UDP); absent where a listener does not offer it. */
  callbacks?: CallbackRegistrar;
  log(line: string): void;
}

export function newStats(): ReflectorStats {
  return { answered: 0, knocks: 0, withheld: 0, overBudget: 0, ignored: 0, errors: 0, connectionsRefused: 0, messageDeadlines: 0 };
}

/** A logger that prints at most LOG_LINES_PER_SECOND lines per second and then says how many it skipped. */
export function throttledLog(log: (line: string) => void, now: () => number = () => Date.now()): (line: string) => void {
  let second = -1;
  let lines = 0;
  let skipped = 0;
  return (line) => {
    const s = Math.floor(now() / 1000);
    if (s !== second) {
      if (skipped) log(`(${skipped} log lines skipped in the last busy second)`);
      second = s;
      lines = 0;
      skipped = 0;
    }
    if (lines++ < LOG_LINES_PER_SECOND) log(line);
    else skipped++;
  };
}

/** Counts and logs a socket error; the listener stays up. */
export function socketError(ctx: ReflectorContext, what: string): (e: Error) => void {
  return (e) => {
    ctx.stats.errors++;
    ctx.log(`${what}: socket error ${(e as NodeJS.ErrnoException).code ?? ''} ${e.message}`.replace(/\s+/g, ' '));
  };
}

/** Runs a handler for hostile input; anything it throws is logged as an error of `what`, never rethrown. */
export function guarded<A extends unknown[]>(ctx: ReflectorContext, what: string, handler: (...args: A) => void): (...args: A) => void {
  const fail = socketError(ctx, what);
  return (...args) => {
    try {
      handler(...args);
    } catch (e) {
      fail(e instanceof Error ? e : new Error(String(e)));
    }
  };
}

/** dgram send that cannot throw: a bad port (ERR_SOCKET_BAD_PORT) or a closed socket is logged. */
export function sendDatagram(ctx: ReflectorContext, socket: dgram.Socket, bytes: Uint8Array, port: number, address: string, what: string): void {
  const fail = socketError(ctx, what);
  try {
    socket.send(bytes, port, address, (e) => e && fail(e));
  } catch (e) {
    fail(e as Error);
  }
}

const family = (listen: string): 'udp4' | 'udp6' => (listen.includes(':') ? 'udp6' : 'udp4');

/** A bound UDP socket whose later errors are logged, never thrown. */
export async function bindUdp(listen: string, port: number, ctx: ReflectorContext, what: string): Promise<dgram.Socket> {
  const s = dgram.createSocket(family(listen));
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.bind(port, listen, () => resolve());
  }).catch((e: Error) => {
    s.close();
    throw e;
  });
  s.removeAllListeners('error');
  s.on('error', socketError(ctx, what));
  return s;
}
