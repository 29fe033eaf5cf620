// The reflector's STUN responder (RFC 8489 Binding) with RFC 5780 behaviour discovery when it has
// two IP addresses: OTHER-ADDRESS, RESPONSE-ORIGIN, CHANGE-REQUEST and RESPONSE-PORT. What it
// answers, and the amplification rule, are in stun-answer.ts; here are the sockets.
import dgram from 'node:dgram';
import { bindUdp, guarded, sendDatagram, type ReflectorContext } from './context.js';
import { answerStun, type StunPlace } from './stun-answer.js';

export interface StunServerConfig {
  primary: string;
  /** A second IP address of this host; without it, mapping/filtering tests cannot run (said in answers). */
  alternate?: string;
  port: number;
  /** Alternate port (RFC 5780 §4.1), default port + 1. */
  altPort?: number;
}

export async function startStunServer(c: StunServerConfig, ctx: ReflectorContext): Promise<{ close(): void }> {
  const place: StunPlace = { primary: c.primary, alternate: c.alternate, port: c.port, altPort: c.altPort ?? c.port + 1 };
  const ips = c.alternate ? [c.primary, c.alternate] : [c.primary];
  const ports = c.alternate ? [place.port, place.altPort] : [place.port];
  const sockets = new Map<string, dgram.Socket>();
  const key = (ip: string, port: number): string => `${ip}|${port}`;
  const closeAll = (): void => sockets.forEach((s) => s.close());
  try {
    for (const ip of ips) {
      for (const port of ports) sockets.set(key(ip, port), await bindUdp(ip, port, ctx, `stun ${ip}:${port}`));
    }
  } catch (e) {
    closeAll();
    throw e;
  }
  for (const [k, s] of sockets) {
    const [ip, portText] = k.split('|') as [string, string];
    const here = { ip, port: Number(portText) };
    s.on(
      'message',
      guarded(ctx, `stun ${ip}:${portText}`, (msg: Buffer, rinfo: dgram.RemoteInfo) => {
        const source = { address: rinfo.address, port: rinfo.port };
        const a = answerStun(new Uint8Array(msg), source, here, place, ctx.cookies);
        const who = `stun ${rinfo.address}:${rinfo.port}`;
        if (a.kind === 'ignored') return void ctx.stats.ignored++;
        if (a.kind === 'withheld') {
          ctx.stats.withheld++;
          return ctx.log(`${who} not answered: ${a.smallest} bytes > the ${msg.length}-byte request without a cookie (clients pad with PADDING)`);
        }
        // Only ever to the request's source address; RESPONSE-PORT (proven sources only) may change the port, never the address.
        if (!ctx.budget.allow(rinfo.address, a.bytes.length)) {
          ctx.stats.overBudget++;
          return ctx.log(`${who} over budget, not answered`);
        }
        const out = sockets.get(key(a.fromIp, a.fromPort));
        if (!out) return;
        sendDatagram(ctx, out, a.bytes, a.toPort, rinfo.address, who);
        ctx.stats.answered++;
        ctx.log(
          `${who} ${msg.length} bytes in, ${a.bytes.length} out -> ${a.fromIp}:${a.fromPort}${a.toPort !== rinfo.port ? ` to port ${a.toPort}` : ''}${a.note ? ` ${a.note}` : ''}`,
        );
      }),
    );
  }
  ctx.log(
    `stun listening on ${[...sockets.keys()].map((k) => k.replace('|', ':')).join(', ')}${c.alternate ? '' : ' (one address: RFC 5780 tests unavailable)'}`,
  );
  return { close: closeAll };
}
