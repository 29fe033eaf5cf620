// The STUN client pads a Binding (RFC 5780 §7.6) only where a SIP Ladder reflector may need it:
// other servers pad their answers to padded requests up to the MTU (RFC 5780 §6.1), which fragments
// them for nothing (and loses them where fragments are dropped). Test I goes out bare, padded at once
// only toward the reflector the user named, and padded as a fallback when the bare one is unanswered.
import dgram from 'node:dgram';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defaultDeps } from '../../electron/engine/deps.js';
import { STUN_PADDED_REQUEST_BYTES } from '../../electron/engine/probes/stun-client.js';
import { probeStunNat } from '../../electron/engine/probes/stun-nat.js';
import { TraceRecorder } from '../../electron/engine/trace-recorder.js';
import { encodeAddress } from '../../shared/stun/attributes.js';
import { decodeStun, encodeStun } from '../../shared/stun/codec.js';
import { ATTR, METHOD_BINDING } from '../../shared/stun/message.js';

/**
 * A plain STUN server (no cookie, one address) that records the size of every request; `answers`
 * 'padded' ignores plain requests (a reflector toward an unproven source), 'plain' padded ones (as if
 * its MTU-padded answers were lost to a path that drops fragments).
 */
let server: dgram.Socket;
let sizes: number[] = [];
let answers: 'all' | 'padded' | 'plain' = 'all';
beforeAll(async () => {
  server = dgram.createSocket('udp4');
  server.on('message', (msg, r) => {
    const d = decodeStun(new Uint8Array(msg));
    if (!d.ok || d.message.cls !== 'request') return;
    sizes.push(msg.length);
    if (answers !== 'all' && (answers === 'padded') !== msg.length >= STUN_PADDED_REQUEST_BYTES) return;
    const value = encodeAddress({ address: r.address, port: r.port }, d.message.transactionId);
    server.send(
      encodeStun({ cls: 'success', method: METHOD_BINDING, transactionId: d.message.transactionId, attributes: [{ type: ATTR.XOR_MAPPED_ADDRESS, value }] }),
      r.port,
      r.address,
    );
  });
  await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', () => resolve()));
});
afterAll(() => server.close());
beforeEach(() => {
  sizes = [];
  answers = 'all';
});

async function probe(padFirst?: boolean) {
  const deps = defaultDeps();
  return probeStunNat({
    host: '127.0.0.1',
    address: '127.0.0.1',
    port: server.address().port,
    preservePorts: [],
    bindingLifetimeS: 0,
    padFirst,
    deps,
    trace: new TraceRecorder(deps.clock),
    attempt: 1,
    signal: new AbortController().signal,
  });
}

describe('STUN client padding', () => {
  it('sends plain Bindings to a STUN server it was not told is the reflector', async () => {
    const r = await probe();
    expect(r.outcome).toBe('ok');
    expect(sizes.length).toBeGreaterThan(1);
    expect(sizes.every((n) => n < STUN_PADDED_REQUEST_BYTES)).toBe(true);
  });

  it('toward the named reflector pads the first Binding, and no other once the server has shown it is not one', async () => {
    const r = await probe(true);
    expect(r.outcome).toBe('ok');
    expect(sizes[0]).toBe(STUN_PADDED_REQUEST_BYTES);
    expect(sizes.slice(1).every((n) => n < STUN_PADDED_REQUEST_BYTES)).toBe(true);
  });

  it('pads test I once the plain one is unanswered (a reflector named only as the STUN server)', async () => {
    answers = 'padded';
    const r = await probe();
    expect(r.outcome).toBe('ok');
    expect(r.mapped).toBeDefined();
    const padded = sizes.findIndex((n) => n === STUN_PADDED_REQUEST_BYTES);
    // The bare request and its retransmissions first, then the padded one.
    expect(padded).toBeGreaterThan(0);
    expect(sizes.slice(0, padded).every((n) => n < STUN_PADDED_REQUEST_BYTES)).toBe(true);
  });

  it("toward the named reflector's address, also tries a plain Binding when the padded one is slow (another server may share the address)", async () => {
    answers = 'plain';
    const r = await probe(true);
    expect(r.outcome).toBe('ok');
    expect(r.mapped).toBeDefined();
    expect(sizes[0]).toBe(STUN_PADDED_REQUEST_BYTES);
    expect(sizes.some((n) => n < STUN_PADDED_REQUEST_BYTES)).toBe(true);
  });
});
