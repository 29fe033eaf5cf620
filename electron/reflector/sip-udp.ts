// The SIP mirror over UDP: answers carry the source's cookie; only a request that echoes a valid
// cookie may get more bytes than it sent, or a knock (sip-mirror.ts, README "Reflector").
import dgram from 'node:dgram';
import { guarded, sendDatagram, type ReflectorContext } from './context.js';
import type { UdpFlow } from './callback.js';
import { reflect, type UdpCookie } from './sip-mirror.js';

/** The flow a datagram came in on, for the callback registrar: answers and callbacks leave from the same socket. */
function callbackFlow(udp: dgram.Socket, from: UdpFlow['source'], cookie: UdpCookie, ctx: ReflectorContext): UdpFlow {
  const { address, port } = udp.address();
  return {
    source: from,
    local: { address, port },
    cookie,
    send: (bytes) => sendDatagram(ctx, udp, bytes, from.port, from.address, `callback ${from.address}:${from.port}`),
  };
}

/** Serves SIP on `udp`; knocks leave from `knocker`, a port no client ever sends to (a truly unsolicited packet for a NAT). */
export function serveSipUdp(udp: dgram.Socket, knocker: dgram.Socket, ctx: ReflectorContext): void {
  udp.on(
    'message',
    guarded(ctx, 'sip udp', (msg: Buffer, r: dgram.RemoteInfo) => {
      const from = { address: r.address, port: r.port };
      const raw = new Uint8Array(msg);
      const who = `sip udp ${r.address}:${r.port}`;
      const cookie = { issue: () => ctx.cookies.issueText(from), valid: (t: string) => ctx.cookies.verifyText(from, t) };
      if (ctx.callbacks?.handle(raw, callbackFlow(udp, from, cookie, ctx))) return;
      const out = reflect(raw, from, 'udp', cookie);
      if (out.kind === 'ignored') return void ctx.stats.ignored++;
      if (out.kind === 'withheld') {
        ctx.stats.withheld++;
        return ctx.log(`${who} not answered: even the minimal answer (${out.smallest} bytes) is larger than the ${raw.length}-byte request without a cookie`);
      }
      if (!ctx.budget.allow(r.address, out.bytes.length)) {
        ctx.stats.overBudget++;
        return ctx.log(`${who} over budget, not answered`);
      }
      sendDatagram(ctx, udp, out.bytes, r.port, r.address, who);
      ctx.stats.answered++;
      ctx.log(`${who} ${raw.length} bytes in, ${out.bytes.length} out${out.proven ? ' (cookie valid)' : ''}${out.note ? ` (${out.note})` : ''}`);
      // Inbound reachability: the same source address and port, from a port it never talked to.
      if (out.knock && ctx.budget.allow(r.address, out.knock.length)) {
        sendDatagram(ctx, knocker, out.knock, r.port, r.address, `knock ${r.address}:${r.port}`);
        ctx.stats.knocks++;
        ctx.log(`knock ${r.address}:${r.port} from port ${knocker.address().port}`);
      }
    }),
  );
}
