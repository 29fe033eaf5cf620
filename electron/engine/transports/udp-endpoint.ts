// An unconnected UDP socket for probes that talk to several addresses from one local port
// (STUN behaviour tests need exactly that: same mapping, different destinations).
import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { Endpoint } from '../../../shared/model/trace.js';

export interface UdpEndpoint {
  readonly local: Endpoint;
  send(bytes: Uint8Array, to: Endpoint): void;
  onMessage(handler: (bytes: Uint8Array, from: Endpoint) => void): void;
  close(): void;
}

/** `toward`: the address whose route decides which local IP is reported (an unbound socket says 0.0.0.0). */
export type OpenUdpEndpoint = (o: { family: 'udp4' | 'udp6'; localPort?: number; toward?: Endpoint }) => Promise<UdpEndpoint>;

/** The source address the kernel picks toward `dest` (a connected UDP socket sends nothing). */
async function routeSource(family: 'udp4' | 'udp6', dest: Endpoint): Promise<string | null> {
  const s = dgram.createSocket(family);
  try {
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.connect(dest.port, dest.address, () => resolve());
    });
    return s.address().address;
  } catch {
    return null;
  } finally {
    s.close();
  }
}

export const openUdpEndpoint: OpenUdpEndpoint = async ({ family, localPort, toward }) => {
  const source = toward ? await routeSource(family, toward) : null;
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket(family);
    s.once('error', reject);
    s.bind(localPort ?? 0, () => {
      s.removeListener('error', reject);
      s.on('error', () => undefined); // ICMP errors on an unconnected socket: nothing to do
      let closed = false;
      const handlers: Array<(b: Uint8Array, from: Endpoint) => void> = [];
      s.on('message', (msg, r) => handlers.forEach((h) => h(new Uint8Array(msg), { address: r.address, port: r.port })));
      resolve({
        local: { address: source ?? s.address().address, port: s.address().port },
        send: (bytes, to) => {
          if (!closed) s.send(bytes, to.port, to.address, () => undefined);
        },
        onMessage: (h) => void handlers.push(h),
        close: () => {
          if (!closed) {
            closed = true;
            s.close();
          }
        },
      });
    });
  });
};

export const familyOf = (address: string): 'udp4' | 'udp6' => (isIPv6(address) ? 'udp6' : 'udp4');
