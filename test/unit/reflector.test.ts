import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, SourceBudget, WINDOW_MS } from '../../electron/reflector/budget.js';
import { MAX_SIZED_RESPONSE, reflect } from '../../electron/reflector/sip-mirror.js';
import type { Endpoint } from '../../shared/model/trace.js';
import { parseMessage } from '../../shared/sip/parse.js';

const enc = (s: string) => new TextEncoder().encode(s);
/** The answer over a stream (proven by its handshake: no cookie rules), or null. */
const mirrorResponse = (raw: Uint8Array, from: Endpoint, transport: string): Uint8Array | null => {
  const r = reflect(raw, from, transport);
  return r.kind === 'answer' ? r.bytes : null;
};
const OPTIONS =
  'OPTIONS sip:example.test SIP/2.0\r\nVia: SIP/2.0/UDP 192.168.1.2:5060;branch=z9hG4bK-1;rport\r\nFrom: <sip:a@example.test>;tag=1\r\n' +
  'To: <sip:a@example.test>\r\nCall-ID: c1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n';

describe('reflector mirror', () => {
  it('answers OPTIONS with the exact request in base64 and RFC 3581 received/rport', () => {
    const out = mirrorResponse(enc(OPTIONS), { address: '203.0.113.1', port: 40000 }, 'tcp')!;
    const r = parseMessage(out);
    if (!r.ok || r.message.kind !== 'response') throw new Error('bad response');
    expect(r.message.status).toBe(200);
    expect(r.message.via[0]!.params).toMatchObject({ rport: '40000', received: '203.0.113.1' });
    expect(Buffer.from(new TextDecoder().decode(r.message.body), 'base64').toString()).toBe(OPTIONS);
  });

  it('sizes responses on request, never above MAX_SIZED_RESPONSE', () => {
    const ask = (n: number) =>
      mirrorResponse(enc(OPTIONS.replace('CSeq', `X-SipLadder-Response-Size: ${n}\r\nCSeq`)), { address: '192.0.2.9', port: 1 }, 'tcp')!;
    expect(ask(2000).length).toBe(2000);
    expect(ask(100_000).length).toBe(MAX_SIZED_RESPONSE);
  });

  it('ignores garbage, responses and ACKs', () => {
    expect(mirrorResponse(enc('hello'), { address: '192.0.2.9', port: 1 }, 'tcp')).toBeNull();
    expect(mirrorResponse(enc('SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=x\r\n\r\n'), { address: '192.0.2.9', port: 1 }, 'tcp')).toBeNull();
    expect(mirrorResponse(enc(OPTIONS.replace(/OPTIONS/g, 'ACK')), { address: '192.0.2.9', port: 1 }, 'tcp')).toBeNull();
  });
});

describe('SourceBudget', () => {
  it('caps requests and bytes per source per window, and forgives after the window', () => {
    let now = 0;
    const b = new SourceBudget(() => now);
    let allowed = 0;
    for (let i = 0; i < DEFAULT_LIMITS.requestsPerAddress + 10; i++) if (b.allow('192.0.2.1', 100)) allowed++;
    expect(allowed).toBe(DEFAULT_LIMITS.requestsPerAddress);
    expect(b.allow('192.0.2.2', DEFAULT_LIMITS.bytesPerAddress + 1)).toBe(false); // other sources are independent
    expect(b.allow('192.0.2.2', 1000)).toBe(true);
    now += WINDOW_MS;
    expect(b.allow('192.0.2.1', 100)).toBe(true);
  });
});
