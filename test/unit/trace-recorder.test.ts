import { describe, expect, it } from 'vitest';
import { MAX_TRACE_EVENTS, MAX_TRACE_TOTAL_BYTES, MAX_TRACED_BYTES, TraceRecorder } from '../../electron/engine/trace-recorder.js';

const clock = { now: () => 0, setTimer: () => () => undefined };

describe('TraceRecorder', () => {
  it('keeps at most MAX_TRACE_TOTAL_BYTES of raw bytes, and still records every event', () => {
    const t = new TraceRecorder(clock);
    const datagram = new Uint8Array(MAX_TRACED_BYTES).fill(65);
    const n = Math.ceil(MAX_TRACE_TOTAL_BYTES / MAX_TRACED_BYTES) + 5;
    for (let i = 0; i < n; i++) t.add({ attempt: 1, kind: 'received', bytes: datagram });
    const kept = t.events.reduce((sum, e) => sum + (e.bytes ? Buffer.from(e.bytes, 'base64').length : 0), 0);
    expect(kept).toBe(MAX_TRACE_TOTAL_BYTES);
    expect(t.events).toHaveLength(n);
    expect(t.events.at(-1)).toMatchObject({ size: MAX_TRACED_BYTES, note: expect.stringContaining('only the first 0') });
  });

  it('keeps at most MAX_TRACE_EVENTS events, the last one saying that the trace is cut', () => {
    const t = new TraceRecorder(clock);
    const seqs = Array.from({ length: MAX_TRACE_EVENTS + 10 }, () => t.add({ attempt: 1, kind: 'sent' }));
    expect(t.events).toHaveLength(MAX_TRACE_EVENTS);
    expect(seqs.filter((s) => s > 0)).toHaveLength(MAX_TRACE_EVENTS - 1);
    expect(t.events.at(-1)).toMatchObject({ seq: MAX_TRACE_EVENTS, attempt: 0, note: expect.stringContaining('trace full') });
  });

  it('masks digest responses in what it stores', () => {
    const t = new TraceRecorder(clock);
    t.add({ attempt: 1, kind: 'sent', bytes: new TextEncoder().encode('REGISTER sip:x SIP/2.0\r\nAuthorization: Digest response="abcdef0123"\r\n\r\n') });
    expect(Buffer.from(t.events[0]!.bytes!, 'base64').toString()).toContain('response="**********"');
  });
});
