// The reflector's STUN responder (RFC 8489 Binding) with RFC 5780 behaviour discovery when it has
// two IP addresses: OTHER-ADDRESS, RESPONSE-ORIGIN, CHANGE-REQUEST and RESPONSE-PORT.
import dgram from 'node:dgram';
import { encodeAddress } from '../../shared/stun/attributes.js';
import { decodeStun, encodeStun } from '../../shared/stun/codec.js';
import { ATTR, CHANGE_IP, CHANGE_PORT, METHOD_BINDING, type StunAttribute } from '../../shared/stun/message.js';
import { utf8 } from '../../shared/hash/utf8.js';
import type { SourceBudget } from './budget.js';

export interface StunServerConfig {
  primary: string;
  /** A second IP address of this host; without it, mapping/filtering tests cannot run (said in answers). */
  alternate?: string;
  port: number;
  /** Alternate port (RFC 5780 §4.1), default port + 1. */
  altPort?: number;
}

function errorAttr(code: number, reason: string): StunAttribute {
  const r = utf8(reason);
  const v = new Uint8Array(4 + r.length);
  v[2] = Math.floor(code / 100);
  v[3] = code % 100;
  v.set(r, 4);
  return { type: ATTR.ERROR_CODE, value: v };
}

export async function startStunServer(c: StunServerConfig, budget: SourceBudget, log: (line: string) => void): Promise<{ close(): void }> {
  const altPort = c.altPort ?? c.port + 1;
  const ips = c.alternate ? [c.primary, c.alternate] : [c.primary];
  const ports = c.alternate ? [c.port, altPort] : [c.port];
  const sockets = new Map<string, dgram.Socket>();
  const key = (ip: string, port: number): string => `${ip}|${port}`;
  for (const ip of ips) {
    for (const port of ports) {
      const s = dgram.createSocket(ip.includes(':') ? 'udp6' : 'udp4');
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.bind(port, ip, () => resolve());
      });
      s.on('error', () => undefined);
      sockets.set(key(ip, port), s);
    }
  }
  const other = c.alternate ? { address: c.alternate, port: altPort } : undefined;
  for (const [k, s] of sockets) {
    const [ip, portText] = k.split('|') as [string, string];
    const here = { ip, port: Number(portText) };
    s.on('message', (msg, rinfo) => {
      const d = decodeStun(new Uint8Array(msg));
      if (!d.ok || d.message.cls !== 'request' || d.message.method !== METHOD_BINDING) return;
      const req = d.message;
      const attrs: StunAttribute[] = [
        { type: ATTR.XOR_MAPPED_ADDRESS, value: encodeAddress({ address: rinfo.address, port: rinfo.port }, req.transactionId) },
        { type: ATTR.MAPPED_ADDRESS, value: encodeAddress({ address: rinfo.address, port: rinfo.port }) },
      ];
      let fromIp = here.ip;
      let fromPort = here.port;
      const change = req.attributes.find((a) => a.type === ATTR.CHANGE_REQUEST)?.value;
      let cls: 'success' | 'error' = 'success';
      if (change && change.length === 4) {
        const flags = change[3]!;
        if (flags && !other) {
          cls = 'error';
          attrs.length = 0;
          attrs.push(errorAttr(420, 'CHANGE-REQUEST needs a second address (not configured)'));
        } else {
          if (flags & CHANGE_IP) fromIp = fromIp === c.primary ? c.alternate! : c.primary;
          if (flags & CHANGE_PORT) fromPort = fromPort === c.port ? altPort : c.port;
        }
      }
      const responsePort = req.attributes.find((a) => a.type === ATTR.RESPONSE_PORT)?.value;
      const toPort = responsePort && responsePort.length >= 2 ? (responsePort[0]! << 8) | responsePort[1]! : rinfo.port;
      if (cls === 'success') {
        attrs.push({ type: ATTR.RESPONSE_ORIGIN, value: encodeAddress({ address: fromIp, port: fromPort }) });
        if (other) attrs.push({ type: ATTR.OTHER_ADDRESS, value: encodeAddress(other) });
      }
      attrs.push({ type: ATTR.SOFTWARE, value: utf8('sipladder-reflector') });
      const out = encodeStun({ cls, method: METHOD_BINDING, transactionId: req.transactionId, attributes: attrs }, { fingerprint: true });
      // Only ever to the request's source address; RESPONSE-PORT may change the port, never the address.
      if (!budget.allow(rinfo.address, out.length)) return log(`stun ${rinfo.address}:${rinfo.port} over budget, not answered`);
      sockets.get(key(fromIp, fromPort))?.send(out, toPort, rinfo.address);
      log(`stun ${rinfo.address}:${rinfo.port} -> ${fromIp}:${fromPort}${toPort !== rinfo.port ? ` to port ${toPort}` : ''}${change ? ` change=${change[3]}` : ''}`);
    });
  }
  log(`stun listening on ${[...sockets.keys()].map((k) => k.replace('|', ':')).join(', ')}${other ? '' : ' (one address: RFC 5780 tests unavailable)'}`);
  return { close: () => sockets.forEach((s) => s.close()) };
}
