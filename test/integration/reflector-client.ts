// A minimal test client for the reflector's UDP side: sends datagrams and waits for answers by
// event (never by sleeping). "Everything an earlier request caused has arrived" is known by a
// sentinel: the reflector handles one socket's datagrams in order, so once the answer to a later
// request is here, the answers to the earlier ones (on this socket) are too.
import dgram from 'node:dgram';
import { randomUUID } from 'node:crypto';

export interface UdpTestClient {
  readonly port: number;
  send(bytes: Uint8Array, port: number, address?: string): void;
  /** Resolves with the first datagram (from now on, or already queued) whose text contains `marker`. */
  waitFor(marker: string): Promise<Buffer>;
  /** Datagrams received so far, oldest first; `take()` returns and forgets them. */
  take(): Buffer[];
  close(): void;
}

/** A client bound to `address` (any loopback address: a distinct source for budgets), sending to `target`. */
export async function udpTestClient(address = '127.0.0.1', target = '127.0.0.1'): Promise<UdpTestClient> {
  const s = dgram.createSocket(address.includes(':') ? 'udp6' : 'udp4');
  await new Promise<void>((resolve) => s.bind(0, address, () => resolve()));
  let inbox: Buffer[] = [];
  const waiters: Array<{ marker: string; resolve: (b: Buffer) => void }> = [];
  s.on('message', (msg) => {
    inbox.push(msg);
    const text = msg.toString('latin1');
    for (const w of waiters.splice(0)) {
      if (text.includes(w.marker)) w.resolve(msg);
      else waiters.push(w);
    }
  });
  return {
    port: s.address().port,
    send: (bytes, port, to = target) => s.send(bytes, port, to),
    waitFor: (marker) =>
      new Promise((resolve) => {
        const queued = inbox.find((b) => b.toString('latin1').includes(marker));
        if (queued) resolve(queued);
        else waiters.push({ marker, resolve });
      }),
    take: () => {
      const out = inbox;
      inbox = [];
      return out;
    },
    close: () => s.close(),
  };
}

/** How many datagrams go out before waiting for a sentinel: a burst beyond the socket buffers would be dropped by the kernel. */
export const PACING_BATCH = 16;

/**
 * Sends `datagrams` (bytes, port) in batches of PACING_BATCH, each followed by a sentinel whose
 * answer is awaited (`next()` gives its bytes, port and the marker its answer contains), so the
 * kernel never drops any for want of buffer space.
 */
export async function sendPaced(
  c: UdpTestClient,
  datagrams: Array<[Uint8Array, number]>,
  next: () => { bytes: Uint8Array; port: number; marker: string },
): Promise<void> {
  for (let i = 0; i < datagrams.length; i += PACING_BATCH) {
    for (const [d, port] of datagrams.slice(i, i + PACING_BATCH)) c.send(d, port);
    const probe = next();
    c.send(probe.bytes, probe.port);
    await c.waitFor(probe.marker);
  }
}

/** An OPTIONS of the shape the probes send, with `extra` header lines; its Call-ID is returned for matching. */
export function sipOptions(extra: string[] = [], callId = randomUUID()): { bytes: Uint8Array; callId: string } {
  const text = [
    'OPTIONS sip:example.test SIP/2.0',
    'Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-t;rport',
    'Max-Forwards: 70',
    'From: <sip:alice@example.test>;tag=t1',
    'To: <sip:alice@example.test>',
    `Call-ID: ${callId}`,
    'CSeq: 1 OPTIONS',
    ...extra,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  return { bytes: new TextEncoder().encode(text), callId };
}

/** A sentinel request large enough to be answered without a cookie (the padding is never echoed). */
export const sentinel = (): { bytes: Uint8Array; callId: string } => sipOptions([`X-SipLadder-Padding: ${'p'.repeat(400)}`]);

/** The cookie in a reflector answer. */
export const cookieIn = (answer: Buffer): string => /X-SipLadder-Cookie: ([A-Za-z0-9_-]+)/.exec(answer.toString('latin1'))![1]!;
