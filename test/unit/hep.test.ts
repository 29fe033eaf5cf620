// HEP v3 encoding against the HEP3 spec's byte layout (header "HEP3" + total length, then chunks of
// vendor id, type id, length including the 6-byte chunk header, body; network byte order).
import { describe, expect, it } from 'vitest';
import { parseCheckArgs } from '../../electron/cli/args.js';
import { encodeHep3, HEP_CHUNK, MAX_HEP_PACKET_BYTES, resultToHep } from '../../shared/export/hep.js';
import { fromUtf8, toBase64, utf8 } from '../../shared/hash/utf8.js';
import type { CheckResult } from '../../shared/model/results.js';
import type { TraceEvent } from '../../shared/model/trace.js';

/** Walks a packet the way a collector does: returns chunk type → body, checking every length on the way. */
function readChunks(p: Uint8Array): Map<number, Uint8Array> {
  const view = new DataView(p.buffer, p.byteOffset, p.byteLength);
  expect(fromUtf8(p.subarray(0, 4))).toBe('HEP3');
  expect(view.getUint16(4)).toBe(p.length);
  const chunks = new Map<number, Uint8Array>();
  for (let at = 6; at < p.length;) {
    expect(view.getUint16(at)).toBe(0); // generic vendor
    const type = view.getUint16(at + 2);
    const length = view.getUint16(at + 4);
    expect(length).toBeGreaterThanOrEqual(6);
    expect(chunks.has(type)).toBe(false);
    chunks.set(type, p.subarray(at + 6, at + length));
    at += length;
    expect(at).toBeLessThanOrEqual(p.length);
  }
  return chunks;
}

describe('HEP v3 encoding', () => {
  it('lays out an IPv4/UDP SIP message byte for byte as the spec says', () => {
    const packet = encodeHep3({
      source: { address: '192.168.77.2', port: 5060 },
      destination: { address: '203.0.113.10', port: 5061 },
      protocol: 'udp',
      timeMs: 1_700_000_000_123.456,
      captureAgentId: 0x534c,
      payload: utf8('OPTIONS'),
      correlationId: 'ab@c',
    })!;
    const hex = Buffer.from(packet).toString('hex');
    expect(hex).toBe(
      [
        '48455033',
        packet.length.toString(16).padStart(4, '0'),
        '0000 0001 0007 02', // IP family: AF_INET
        '0000 0002 0007 11', // IP protocol: UDP (17)
        '0000 0003 000a c0a84d02', // IPv4 source 192.168.77.2
        '0000 0004 000a cb00710a', // IPv4 destination 203.0.113.10
        '0000 0007 0008 13c4', // source port 5060
        '0000 0008 0008 13c5', // destination port 5061
        '0000 0009 000a 6553f100', // seconds 1700000000
        '0000 000a 000a 0001e240', // microseconds 123456
        '0000 000b 0007 01', // protocol type: SIP
        '0000 000c 000a 0000534c', // capture agent id
        '0000 0011 000a 61624063', // correlation id "ab@c"
        '0000 000f 000d 4f5054494f4e53', // payload "OPTIONS"
      ]
        .join('')
        .replace(/ /g, ''),
    );
    expect(packet.length).toBe(6 + 7 + 7 + 10 + 10 + 8 + 8 + 10 + 10 + 7 + 10 + 10 + 13);
  });

  it('writes IPv6 addresses in the IPv6 chunks with family AF_INET6, and TCP for stream transports', () => {
    const chunks = readChunks(
      encodeHep3({
        source: { address: '::1', port: 40000 },
        destination: { address: '2001:db8::10', port: 5061 },
        protocol: 'tcp',
        timeMs: 0,
        captureAgentId: 1,
        payload: utf8('x'),
      })!,
    );
    expect([...chunks.get(HEP_CHUNK.ipFamily)!]).toEqual([10]);
    expect([...chunks.get(HEP_CHUNK.ipProtocol)!]).toEqual([6]);
    expect(Buffer.from(chunks.get(HEP_CHUNK.ipv6Source)!).toString('hex')).toBe('0'.repeat(31) + '1');
    expect(Buffer.from(chunks.get(HEP_CHUNK.ipv6Destination)!).toString('hex')).toBe('20010db8' + '0'.repeat(22) + '10');
    expect(chunks.has(HEP_CHUNK.ipv4Source)).toBe(false);
    expect(chunks.has(HEP_CHUNK.correlationId)).toBe(false);
  });

  it('refuses what HEP cannot carry: mixed address families, host names, more than 64 KB', () => {
    const base = {
      source: { address: '10.0.0.1', port: 1 },
      destination: { address: '10.0.0.2', port: 2 },
      protocol: 'udp' as const,
      timeMs: 0,
      captureAgentId: 1,
    };
    expect(encodeHep3({ ...base, destination: { address: '::1', port: 2 }, payload: utf8('x') })).toBeNull();
    expect(encodeHep3({ ...base, source: { address: 'sip.example.com', port: 1 }, payload: utf8('x') })).toBeNull();
    expect(encodeHep3({ ...base, payload: new Uint8Array(MAX_HEP_PACKET_BYTES) })).toBeNull();
    expect(encodeHep3({ ...base, payload: new Uint8Array(MAX_HEP_PACKET_BYTES - 200) })).not.toBeNull();
  });
});

const REGISTER =
  'REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/TCP 10.0.0.1:5060;branch=z9hG4bK1\r\nFrom: <sip:a@example.com>;tag=1\r\nTo: <sip:a@example.com>\r\nCall-ID: call-1@sipladder\r\nCSeq: 1 REGISTER\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n';
const OK =
  'SIP/2.0 200 OK\r\nVia: SIP/2.0/TCP 10.0.0.1:5060;branch=z9hG4bK1\r\nFrom: <sip:a@example.com>;tag=1\r\nTo: <sip:a@example.com>;tag=2\r\nCall-ID: call-1@sipladder\r\nCSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n';

describe('a run as HEP packets', () => {
  const local = { address: '10.0.0.1', port: 5060 };
  const remote = { address: '10.0.0.9', port: 5060 };
  const event = (seq: number, e: Partial<TraceEvent>): TraceEvent => ({ seq, t: seq * 10.5, attempt: 1, kind: 'sent', local, remote, ...e });
  const result = {
    startedAt: '2026-01-01T00:00:00.000Z',
    attempts: [{ id: 1, transport: 'tcp' }],
    trace: [
      event(1, { kind: 'socket', note: 'connected' }),
      event(2, { bytes: toBase64(utf8(REGISTER)) }),
      event(3, { kind: 'received', bytes: toBase64(utf8(OK)) }),
      event(4, { kind: 'sent', bytes: toBase64(Uint8Array.of(0, 1, 0, 0)), transport: 'udp' }), // STUN
      event(5, { kind: 'sent', bytes: toBase64(utf8(REGISTER)), local: undefined }),
    ],
  } as unknown as CheckResult;

  it('sends SIP messages only, in both directions, with wall-clock times and the Call-ID as correlation id', () => {
    const { packets, skipped } = resultToHep(result, 7);
    expect(packets).toHaveLength(2);
    expect(skipped).toBe(1); // the message without a local endpoint
    const [sent, received] = packets.map(readChunks);
    expect(fromUtf8(sent!.get(HEP_CHUNK.payload)!)).toBe(REGISTER);
    expect(fromUtf8(sent!.get(HEP_CHUNK.correlationId)!)).toBe('call-1@sipladder');
    expect([...sent!.get(HEP_CHUNK.ipv4Source)!]).toEqual([10, 0, 0, 1]);
    expect([...received!.get(HEP_CHUNK.ipv4Source)!]).toEqual([10, 0, 0, 9]);
    expect([...received!.get(HEP_CHUNK.ipProtocol)!]).toEqual([6]);
    const seconds = new DataView(received!.get(HEP_CHUNK.timestampSeconds)!.slice().buffer).getUint32(0);
    const micros = new DataView(received!.get(HEP_CHUNK.timestampMicroseconds)!.slice().buffer).getUint32(0);
    expect(seconds).toBe(Date.parse('2026-01-01T00:00:00Z') / 1000);
    expect(micros).toBe(31_500); // t = 31.5 ms after the start
  });
});

describe('--hep HOST:PORT', () => {
  const base = ['--server', 'sip.example.com', '--user', 'alice'];
  it('takes a name, an IPv4 or a bracketed IPv6 address with a port, and refuses anything else', () => {
    const hepOf = (v: string) => parseCheckArgs([...base, '--hep', v]);
    expect(hepOf('homer.example.com:9060')).toMatchObject({ ok: true, value: { hep: { host: 'homer.example.com', port: 9060 } } });
    expect(hepOf('[2001:db8::1]:9060')).toMatchObject({ ok: true, value: { hep: { host: '2001:db8::1', port: 9060 } } });
    for (const bad of ['homer', 'homer:0', 'homer:70000', '2001:db8::1:9060'])
      expect(hepOf(bad)).toMatchObject({ ok: false, errors: [`--hep must be HOST:PORT, got "${bad}"`] });
    const without = parseCheckArgs(base);
    expect(without.ok && 'hep' in without.value).toBe(false);
  });
});
