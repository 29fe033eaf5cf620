import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_START_LINE_BYTES, StreamFramer, type FrameEvent } from '../../shared/sip/framer.js';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const MSG1 = 'SIP/2.0 200 OK\r\nl: 3\r\n\r\nabc';
const MSG2 = 'SIP/2.0 401 Unauthorized\r\nContent-Length: 0\r\n\r\n';
const messages = (events: FrameEvent[]) => events.filter((e) => e.type === 'message').map((e) => dec((e as { bytes: Uint8Array }).bytes));

describe('StreamFramer', () => {
  it('splits coalesced messages and reports keep-alives', () => {
    const f = new StreamFramer();
    const ev = f.push(enc('\r\n\r\n' + MSG1 + MSG2 + '\r\n'));
    expect(messages(ev)).toEqual([MSG1, MSG2]);
    expect(ev.filter((e) => e.type === 'keepalive')).toHaveLength(2);
    expect(f.pending).toBe(0);
  });

  it('reassembles a message delivered in any split', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(MSG1.length + MSG2.length), { maxLength: 6 }), (cuts) => {
        const all = enc(MSG1 + MSG2);
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const f = new StreamFramer();
        const out: string[] = [];
        let prev = 0;
        for (const p of [...points, all.length]) {
          out.push(...messages(f.push(all.subarray(prev, p))));
          prev = p;
        }
        expect(out).toEqual([MSG1, MSG2]);
      }),
    );
  });

  it('gives the same messages and keep-alive bytes for any chunking, down to single bytes', () => {
    const stream = enc('\r\n\r\n' + MSG1 + '\r\n' + MSG2 + MSG1 + '\r\n\r\n' + MSG2);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 24 }), { minLength: 1, maxLength: 40 }), (sizes) => {
        const f = new StreamFramer();
        const events: FrameEvent[] = [];
        for (let pos = 0, k = 0; pos < stream.length; k++) {
          const size = sizes[k % sizes.length]!;
          events.push(...f.push(stream.subarray(pos, pos + size)));
          pos += size;
        }
        expect(messages(events)).toEqual([MSG1, MSG2, MSG1, MSG2]);
        expect(
          events
            .filter((e) => e.type === 'keepalive')
            .map((e) => dec((e as { bytes: Uint8Array }).bytes))
            .join(''),
        ).toBe('\r\n\r\n\r\n\r\n\r\n');
        expect(f.pending).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps only the unfinished message pending', () => {
    const f = new StreamFramer();
    expect(messages(f.push(enc(MSG1 + MSG2.slice(0, 10))))).toEqual([MSG1]);
    expect(f.pending).toBe(10);
    expect(messages(f.push(enc(MSG2.slice(10))))).toEqual([MSG2]);
    expect(f.pending).toBe(0);
  });

  it(`refuses a first line longer than ${MAX_START_LINE_BYTES} bytes without waiting for its end`, () => {
    const f = new StreamFramer();
    expect(f.push(enc('OPTIONS sip:' + 'a'.repeat(MAX_START_LINE_BYTES)))).toEqual([{ type: 'error', reason: expect.stringContaining('first line longer') }]);
    expect(messages(new StreamFramer().push(enc(`OPTIONS sip:${'a'.repeat(MAX_START_LINE_BYTES - 30)} SIP/2.0\r\nl: 0\r\n\r\n`)))).toHaveLength(1);
  });

  it('fails on a message without Content-Length, on a size over the limit, and on endless headers', () => {
    expect(new StreamFramer().push(enc('SIP/2.0 200 OK\r\nVia: x\r\n\r\n'))).toEqual([
      { type: 'error', reason: expect.stringContaining('without Content-Length') },
    ]);
    expect(new StreamFramer().push(enc('SIP/2.0 200 OK\r\nContent-Length: 10000000\r\n\r\n'))[0]).toMatchObject({
      type: 'error',
      reason: expect.stringContaining('exceeds'),
    });
    const f = new StreamFramer(1000);
    const ev = [...f.push(enc('SIP/2.0 200 OK\r\n')), ...f.push(enc('X: y\r\n'.repeat(300)))];
    expect(ev.at(-1)).toMatchObject({ type: 'error', reason: expect.stringContaining('no end of headers within 1000') });
    expect(f.push(enc(MSG1))).toEqual([]);
  });

  it('rejects binary data and non-SIP first lines without waiting for more bytes', () => {
    expect(new StreamFramer().push(new Uint8Array([0x16, 0x03, 0x01, 0x00, 0xff]))[0]).toMatchObject({
      type: 'error',
      reason: expect.stringContaining('binary'),
    });
    expect(new StreamFramer().push(enc('HTTP/1.1 400 Bad Request\r\n'))[0]).toMatchObject({
      type: 'error',
      reason: expect.stringContaining('does not start a SIP message'),
    });
  });
});
