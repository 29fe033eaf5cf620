// The capture reader against hostile files: malformed pcap/pcapng end as CaptureError with an
// offset; fragment reassembly is bounded and linear; any chunking reads the same; TCP flows
// resynchronise on a SIP start line; the import yields to the event loop and can be cancelled.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { importChunks, ImportCancelled, slicesOf } from '../../electron/capture/import-stream.js';
import { CaptureError } from '../../shared/capture/file.js';
import { dropsText } from '../../shared/capture/drops.js';
import { fromBase64 } from '../../shared/hash/utf8.js';
import { CaptureImport, importCapture } from '../../shared/capture/import.js';
import { MAX_FRAGMENTS_PER_DATAGRAM } from '../../shared/capture/packets.js';
import { messagesOfFile } from '../../shared/capture/packet-stage.js';
import { fragmentIpv4, frame, ipPacket, pcapFile, pcapngFile } from '../fixtures/pcap-builder.js';
import { registrationsCapture } from '../fixtures/registrations-capture.js';

const te = new TextEncoder();
const A = { address: '192.0.2.4', port: 5062 };
const B = { address: '198.51.100.7', port: 5060 };
const sip = (method: string, callId: string, pad = 0): Uint8Array =>
  te.encode(
    `${method} sip:example.com SIP/2.0\r\nVia: SIP/2.0/TCP 192.0.2.4:5062;branch=z9hG4bK${callId}\r\nCall-ID: ${callId}\r\nCSeq: 1 ${method}\r\nX-Pad: ${'p'.repeat(pad)}\r\nContent-Length: 0\r\n\r\n`,
  );
const callIds = (messages: Array<{ bytes: Uint8Array }>): string[] => messages.map((m) => /Call-ID: (\S+)/.exec(new TextDecoder().decode(m.bytes))![1]!);

/** A small capture with UDP, a fragmented datagram and a TCP flow (the fuzzer's seed). */
function seedCapture(kind: 'pcap' | 'pcapng'): Uint8Array {
  const frags = fragmentIpv4(ipPacket(A, B, 'udp', sip('REGISTER', 'frag', 2000)), 1480);
  const stream = new Uint8Array([...sip('REGISTER', 't1'), ...sip('OPTIONS', 't2')]);
  const packets = [
    ipPacket(A, B, 'udp', sip('OPTIONS', 'u1')),
    ...frags,
    ipPacket(A, B, 'tcp', stream.subarray(0, 90), { seq: 7, ack: 1 }),
    ipPacket(A, B, 'tcp', stream.subarray(90), { seq: 97, ack: 1 }),
  ];
  const frames = packets.map((p, i) => ({ ts: 1_700_000_000_000_000 + i, data: frame('ethernet', p) }));
  return kind === 'pcap' ? pcapFile('ethernet', frames) : pcapngFile('ethernet', frames);
}

function expectCaptureError(bytes: Uint8Array): CaptureError {
  try {
    importCapture(bytes, 'x');
  } catch (e) {
    expect(e).toBeInstanceOf(CaptureError);
    return e as CaptureError;
  }
  throw new Error('expected a CaptureError');
}

describe('capture reader: malformed files', () => {
  it('an interface block of length 12 is a CaptureError at its offset (was a RangeError)', () => {
    const good = pcapngFile('raw', []);
    const idbAt = 28; // after the 28-byte section header block
    const bad = good.slice(0, idbAt + 12);
    new DataView(bad.buffer).setUint32(idbAt + 4, 12, true);
    new DataView(bad.buffer).setUint32(idbAt + 8, 12, true);
    const e = expectCaptureError(bad);
    expect([e.offset, e.message]).toEqual([idbAt, `interface block of 12 bytes is too short at byte ${idbAt}`]);
  });

  it('a simple packet block of length 12 is a CaptureError at its offset (was a RangeError)', () => {
    const good = pcapngFile('raw', []);
    const spb = Uint8Array.from([3, 0, 0, 0, 12, 0, 0, 0, 12, 0, 0, 0]);
    const e = expectCaptureError(new Uint8Array([...good, ...spb]));
    expect(e.offset).toBe(good.length);
    expect(e.message).toMatch(/simple packet block of 12 bytes/);
  });

  it('block lengths that disagree say where', () => {
    const f = seedCapture('pcapng');
    const bad = f.slice();
    new DataView(bad.buffer).setUint32(28 + 20 - 4, 24, true); // the interface block's trailing length
    expect(expectCaptureError(bad).message).toMatch(/block lengths disagree at byte 28/);
  });

  it('a file cut short inside its last record keeps the whole packets before it and counts the bytes it left out', () => {
    for (const kind of ['pcap', 'pcapng'] as const) {
      const whole = seedCapture(kind);
      const all = messagesOfFile(whole);
      const cut = messagesOfFile(whole.subarray(0, whole.length - 3));
      expect(cut.packets, kind).toBe(all.packets - 1);
      // The last packet completed the TCP stream's two messages: the ones before it are all there.
      expect(callIds(cut.messages), kind).toEqual(['u1', 'frag']);
      expect(callIds(all.messages), kind).toEqual(['u1', 'frag', 't1', 't2']);
      expect(cut.dropped.cutShortBytes, kind).toBeGreaterThan(0);
      expect(all.dropped.cutShortBytes, kind).toBe(0);
      expect(dropsText(cut.dropped), kind).toMatch(/^Left out: [\d,]+ bytes at the end, in a last packet the file cuts short/);
    }
  });

  it('fuzz: any mutation of a pcap or pcapng capture imports or ends as a CaptureError with an offset inside the file', () => {
    const seeds = [seedCapture('pcap'), seedCapture('pcapng')];
    const mutation = fc.record({
      seed: fc.integer({ min: 0, max: 1 }),
      edits: fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }), width: fc.constantFrom(1, 2, 4) }), { minLength: 1, maxLength: 8 }),
      cut: fc.option(fc.nat(), { nil: undefined }),
    });
    fc.assert(
      fc.property(mutation, ({ seed, edits, cut }) => {
        const bytes = seeds[seed]!.slice();
        // Lengths and offsets are where hostile values hurt: also write whole 16/32-bit words.
        for (const { at, value, width } of edits) bytes.fill(value, at % bytes.length, Math.min(bytes.length, (at % bytes.length) + width));
        const file = cut === undefined ? bytes : bytes.subarray(0, cut % bytes.length);
        try {
          importCapture(file, 'fuzz');
        } catch (e) {
          if (!(e instanceof CaptureError)) throw e;
          expect(e.offset).toBeGreaterThanOrEqual(0);
          expect(e.offset).toBeLessThanOrEqual(file.length);
        }
      }),
      { numRuns: 600, seed: 8 },
    );
  });

  it('fuzz: any mutation of ngrep text imports or ends as a CaptureError', () => {
    const text = te.encode(
      [
        'U 2013/07/19 22:17:34.920749 203.0.113.50:5060 -> 66.151.32.200:5060',
        'REGISTER sip:ostel.co SIP/2.0.',
        'Via: SIP/2.0/UDP 0.0.0.0:5060;branch=z9hG4bKj.',
        'Call-ID: j.',
        'CSeq: 1 REGISTER.',
        'Content-Length: 0.',
        '.',
        '#',
        'U 2013/07/19 22:17:34.921155 66.151.32.200:5060 -> 203.0.113.50:5060',
        'SIP/2.0 401 Unauthorized.',
        'Call-ID: j.',
        'CSeq: 1 REGISTER.',
        '.',
      ].join('\n'),
    );
    fc.assert(
      fc.property(fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 8 }), (edits) => {
        const bytes = text.slice();
        for (const { at, value } of edits) bytes[at % bytes.length] = value;
        try {
          importCapture(bytes, 'fuzz.txt');
        } catch (e) {
          if (!(e instanceof CaptureError)) throw e;
        }
      }),
      { numRuns: 300, seed: 8 },
    );
  });
});

describe('capture reader: fragments', () => {
  const fragmentsOfOne = (count: number, overlap: boolean): Uint8Array => {
    // One datagram in `count` 8-byte fragments that never completes (no last fragment), or all at offset 0.
    const frames = Array.from({ length: count }, (_, i) => {
      const f = new Uint8Array(28);
      f.set([0x45, 0, 0, 28, 0x12, 0x34, 0x20 | ((overlap ? 0 : i) >> 8), (overlap ? 0 : i) & 255, 64, 17, 0, 0, 192, 0, 2, 4, 198, 51, 100, 7]);
      f[27] = i & 255; // differs, so overlapping fragments are not exact duplicates
      return { ts: i, data: f };
    });
    return pcapFile('raw', frames);
  };

  it('overlapping IPv4 fragments never throw; the datagram is dropped and counted', () => {
    const r = importCapture(fragmentsOfOne(3, true), 'x');
    expect(r.dropped.fragments.overlapping).toBe(1);
  });

  it('fragments per datagram are bounded and counted', () => {
    const r = importCapture(fragmentsOfOne(MAX_FRAGMENTS_PER_DATAGRAM + 1, false), 'x');
    expect(r.dropped.fragments.tooManyFragments).toBe(1);
  });

  it('reassembly is linear: 48,000 fragments of one datagram, in order or all overlapping, well under 2 s (quadratic took minutes)', () => {
    // An absolute bound a quadratic path cannot meet (16k fragments took 7.5 s, 50k overlapping 218 s),
    // generous enough for a shared machine: best of three runs, as a pause only ever adds time.
    for (const overlap of [false, true]) {
      const file = fragmentsOfOne(48_000, overlap);
      const best = Math.min(
        ...[0, 1, 2].map(() => {
          const t0 = performance.now();
          importCapture(file, 'x');
          return performance.now() - t0;
        }),
      );
      expect(best).toBeLessThan(2000);
    }
  });
});

describe('capture reader: streaming', () => {
  it('any chunking of the file, through a reused buffer, gives the same messages, drops and counts', () => {
    const file = seedCapture('pcapng');
    const whole = importCapture(file, 'x');
    expect(whole.messages).toBe(4);
    // Cuts at block boundaries too: a chunk that ends exactly where a record ends is the case that tempts a reader to keep a view.
    const boundaries: number[] = [];
    for (let at = 0; at < file.length; at += new DataView(file.buffer, file.byteOffset + at + 4, 4).getUint32(0, true)) boundaries.push(at);
    const cut = fc.oneof(fc.integer({ min: 1, max: file.length }), fc.constantFrom(...boundaries.slice(1)));
    fc.assert(
      fc.property(fc.array(cut, { maxLength: 12 }), (cuts) => {
        const im = new CaptureImport(file.length);
        const bounds = [...new Set([0, ...cuts, file.length])].sort((a, b) => a - b);
        // Through one reused buffer, as the file reader does: whatever is kept must be a copy.
        const scratch = new Uint8Array(file.length);
        for (let i = 1; i < bounds.length; i++) {
          scratch.set(file.subarray(bounds[i - 1], bounds[i]));
          im.push(scratch.subarray(0, bounds[i]! - bounds[i - 1]!));
          scratch.fill(0xee);
        }
        const r = im.finish('x');
        expect([r.packets, r.messages, r.dropped, r.result.attempts.map((a) => a.label), r.result.trace.map((e) => e.bytes)]).toEqual([
          whole.packets,
          whole.messages,
          whole.dropped,
          whole.result.attempts.map((a) => a.label),
          whole.result.trace.map((e) => e.bytes),
        ]);
      }),
      { numRuns: 100, seed: 8 },
    );
  });

  it('trace bytes survive JSON and structured clone (the app gets them over HTTP or IPC)', () => {
    const { result } = importCapture(seedCapture('pcap'), 'x');
    const first = new TextDecoder().decode(fromBase64(result.trace[0]!.bytes!));
    expect(first).toMatch(/^OPTIONS sip:example.com SIP\/2.0\r\n[^]*Call-ID: u1\r\n/);
    expect(structuredClone(result).trace.map((e) => e.bytes)).toEqual(result.trace.map((e) => e.bytes));
    expect((JSON.parse(JSON.stringify(result)) as typeof result).trace.map((e) => e.bytes)).toEqual(result.trace.map((e) => e.bytes));
  });

  it('yields to the event loop while it reads, reports progress, and can be cancelled', async () => {
    const file = registrationsCapture(6000);
    let finished = false;
    const progress: number[] = [];
    let tick = 0;
    const running = importChunks(slicesOf(file, 64 * 1024), { source: 'x', onProgress: (p) => progress.push(p.packets), now: () => (tick += 1000) }).then(
      (r) => {
        finished = true;
        return r;
      },
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(finished).toBe(false); // we got a turn while the import was running
    expect((await running).messages).toBe(6000);
    expect(progress.length).toBeGreaterThan(2);
    expect(progress[progress.length - 1]).toBe(6000);
    const abort = new AbortController();
    const cancelled = importChunks(slicesOf(file, 64 * 1024), { source: 'x', signal: abort.signal });
    abort.abort();
    await expect(cancelled).rejects.toBeInstanceOf(ImportCancelled);
  });
});

describe('capture reader: TCP resynchronisation', () => {
  const tcpFile = (stream: Uint8Array, cuts: number[], seq0 = 1000): Uint8Array => {
    const bounds = [0, ...cuts, stream.length];
    const frames = bounds
      .slice(1)
      .map((end, i) => ({ ts: i, data: ipPacket(A, B, 'tcp', stream.subarray(bounds[i], end), { seq: seq0 + bounds[i]!, ack: 1 }) }));
    return pcapFile('raw', frames);
  };

  it("a capture that starts mid-connection still yields the flow's later messages", () => {
    const stream = new Uint8Array([...sip('REGISTER', 'lost', 40), ...sip('REGISTER', 'm2'), ...sip('OPTIONS', 'm3')]);
    // The capture begins 30 bytes into the first message: its tail is skipped, the rest is read.
    const r = messagesOfFile(tcpFile(stream.subarray(30), [50, 200]));
    expect(callIds(r.messages)).toEqual(['m2', 'm3']);
    expect(r.dropped.tcp.unsyncedBytes).toBeGreaterThan(0);
  });

  it('a first segment of 8 bytes does not hide the flow', () => {
    const stream = new Uint8Array([...sip('REGISTER', 'e1'), ...sip('REGISTER', 'e2')]);
    expect(callIds(messagesOfFile(tcpFile(stream, [8, 9, 60])).messages)).toEqual(['e1', 'e2']);
  });

  it('a gap the capture never fills is skipped, and the flow resynchronises after it', () => {
    const afterHole = new Uint8Array([...te.encode(`${'x'.repeat(98)}\r\n`), ...sip('OPTIONS', 'after-gap')]);
    const holeEnd = 500_000;
    // Enough data after the hole to exceed the per-flow buffer for out-of-order data.
    const filler = Array.from({ length: 20 }, (_, i) => ({
      ts: 3 + i,
      data: ipPacket(A, B, 'tcp', new Uint8Array(60_000).fill(98), { seq: holeEnd + afterHole.length + i * 60_000, ack: 1 }),
    }));
    const r = messagesOfFile(
      pcapFile('raw', [
        { ts: 0, data: ipPacket(A, B, 'tcp', sip('REGISTER', 'before'), { seq: 1, ack: 1 }) },
        { ts: 1, data: ipPacket(A, B, 'tcp', afterHole, { seq: holeEnd, ack: 1 }) },
        ...filler,
      ]),
    );
    expect(callIds(r.messages)).toEqual(['before', 'after-gap']);
    expect(r.dropped.tcp.gaps).toBe(1);
  });
});
