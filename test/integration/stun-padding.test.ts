// The STUN client pads its requests (RFC 5780 §7.6) only as long as the server may be a SIP Ladder
// reflector: after a first answer without SIPLADDER-COOKIE, requests go out bare, since other servers
// pad their answers to the MTU (RFC 5780 §6.1) and would fragment them for nothing.
import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultDeps } from '../../electron/engine/deps.js';
import { STUN_PADDED_REQUEST_BYTES } from '../../electron/engine/probes/stun-client.js';
import { probeStunNat } from '../../electron/engine/probes/stun-nat.js';
import { TraceRecorder } from '../../electron/engine/trace-recorder.js';
import { encodeAddress } from '../../shared/stun/attributes.js';
import { decodeStun, encodeStun } from '../../shared/stun/codec.js';
import { ATTR, METHOD_BINDING } from '../../shared/stun/message.js';

/** A plain STUN server (no cookie, one address) that records the size of every request. */
let server: dgram.Socket;
const sizes: number[] = [];
beforeAll(async () => {
  server = dgram.createSocket('udp4');
  server.on('message', (msg, r) => {
    const d = decodeStun(new Uint8Array(msg));
    if (!d.ok || d.message.cls !== 'request') return;
    sizes.push(msg.length);
    const value = encodeAddress({ address: r.address, port: r.port }, d.message.transactionId);
    server.send(encodeStun({ cls: 'success', method: METHOD_BINDING, transactionId: d.message.transactionId, attributes: [{ type: ATTR.XOR_MAPPED_ADDRESS, value }] }), r.port, r.address);
  });
  await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', () => resolve()));
});
afterAll(() => server.close());

describe('STUN client padding', () => {
  it('pads the first Binding, and no other once the server has shown it is not a reflector', async () => {
    const deps = defaultDeps();
    const r = await probeStunNat({ host: '127.0.0.1', address: '127.0.0.1', port: server.address().port, preservePorts: [], bindingLifetimeS: 0 },
      deps, new TraceRecorder(deps.clock), 1, new AbortController().signal);
    expect(r.outcome).toBe('ok');
    expect(sizes[0]).toBe(STUN_PADDED_REQUEST_BYTES);
    expect(sizes.length).toBeGreaterThan(1);
    expect(sizes.slice(1).every((n) => n < STUN_PADDED_REQUEST_BYTES)).toBe(true);
  });
});
