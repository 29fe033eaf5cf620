// UDP flow. Two sockets share the local port (SO_REUSEADDR): a connected one, so the kernel
// reports ICMP "port unreachable" as ECONNREFUSED instead of silence, and an unconnected one
// that catches responses arriving from any other address/port (which a connected socket drops).
import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import { classifySocketError, type OpenOptions, type OpenResult } from './channel.js';

function bindSocket(type: 'udp4' | 'udp6', port: number, reuseAddr: boolean): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket({ type, reuseAddr });
    s.once('error', reject);
    s.bind(port, () => {
      s.removeListener('error', reject);
      resolve(s);
    });
  });
}

/** Binds `port` exclusively once, to learn whether another program holds it. Returns the port. */
async function claimPort(type: 'udp4' | 'udp6', port: number): Promise<number> {
  const probe = await bindSocket(type, port, false);
  const actual = probe.address().port;
  await new Promise<void>((r) => probe.close(() => r()));
  return actual;
}

export async function openUdp(o: OpenOptions): Promise<OpenResult> {
  const type = isIPv6(o.remote.address) ? 'udp6' : 'udp4';
  let port: number;
  try {
    port = await claimPort(type, o.localPort ?? 0);
  } catch (e) {
    const c = classifySocketError(e as NodeJS.ErrnoException);
    return { ok: false, outcome: 'bind-failed', detail: `cannot use local UDP port ${o.localPort ?? 0}: ${c.detail}`, localPort: o.localPort };
  }
  let stray: dgram.Socket | undefined;
  let main: dgram.Socket | undefined;
  try {
    stray = await bindSocket(type, port, true);
    main = await bindSocket(type, port, true);
    await new Promise<void>((resolve, reject) => {
      main!.once('error', reject);
      main!.connect(o.remote.port, o.remote.address, () => {
        main!.removeListener('error', reject);
        resolve();
      });
    });
  } catch (e) {
    stray?.close();
    main?.close();
    const c = classifySocketError(e as NodeJS.ErrnoException);
    return { ok: false, outcome: c.outcome === 'bind-failed' ? 'bind-failed' : c.outcome, detail: c.detail, localPort: port };
  }
  const local = { address: main.address().address, port };
  let closed = false;
  const onMessage = (msg: Buffer, rinfo: dgram.RemoteInfo): void => {
    if (!closed) o.handlers.message(new Uint8Array(msg), { address: rinfo.address, port: rinfo.port });
  };
  main.on('message', onMessage);
  stray.on('message', onMessage);
  const fail = (e: NodeJS.ErrnoException): void => {
    if (closed) return;
    const c = classifySocketError(e);
    o.handlers.failure(c.outcome, c.outcome === 'refused' ? 'ICMP port unreachable: nothing listens on that UDP port' : c.detail);
  };
  main.on('error', fail);
  stray.on('error', () => undefined);
  const sockets = [main, stray];
  return {
    ok: true,
    channel: {
      transport: 'udp',
      local,
      remote: o.remote,
      send: (bytes) => {
        if (!closed) main!.send(bytes, (err) => err && fail(err));
      },
      // The unconnected socket shares the port, so the source port is the flow's.
      sendTo: (bytes, to) => {
        if (!closed) stray!.send(bytes, to.port, to.address, () => undefined);
      },
      close: () => {
        if (closed) return;
        closed = true;
        for (const s of sockets) s.close();
      },
    },
  };
}
