// Appends trace events with sequence numbers and run-relative times; masks digest responses.
import { fromUtf8Strict, toBase64, utf8 } from '../../shared/hash/utf8.js';
import { redactDigestResponse } from '../../shared/sip/digest.js';
import type { TraceEvent } from '../../shared/model/trace.js';
import type { Clock } from './deps.js';

export type NewTraceEvent = Omit<TraceEvent, 'seq' | 't' | 'bytes' | 'size'> & { bytes?: Uint8Array };

/** Bytes of one message kept in the trace; longer payloads (hostile peers) are cut and say so. */
export const MAX_TRACED_BYTES = 65_535;
/** Events kept per run; a peer flooding us cannot grow memory without bound. */
export const MAX_TRACE_EVENTS = 20_000;
/** Raw bytes kept per run; past it, events are still recorded, without their bytes. */
export const MAX_TRACE_TOTAL_BYTES = 8 * 1024 * 1024;

export class TraceRecorder {
  readonly events: TraceEvent[] = [];
  private bytesKept = 0;

  constructor(
    private readonly clock: Clock,
    private readonly startedAt = clock.now(),
  ) {}

  /** Milliseconds since the run started. */
  elapsed(): number {
    return Math.round((this.clock.now() - this.startedAt) * 1000) / 1000;
  }

  add(e: NewTraceEvent): number {
    if (this.events.length >= MAX_TRACE_EVENTS - 1) {
      // The last slot says that the trace is cut, so every view of it (ladder, pcapng, report) shows it.
      if (this.events.length === MAX_TRACE_EVENTS - 1) {
        this.events.push({
          seq: MAX_TRACE_EVENTS,
          t: this.elapsed(),
          attempt: 0,
          kind: 'socket',
          note: `trace full: events after the first ${MAX_TRACE_EVENTS - 1} are not recorded (trace size limits)`,
        });
      }
      return -1;
    }
    const seq = this.events.length + 1;
    const { bytes, ...rest } = e;
    const event: TraceEvent = { seq, t: this.elapsed(), ...rest };
    if (bytes) {
      event.size = bytes.length;
      const room = Math.min(MAX_TRACED_BYTES, MAX_TRACE_TOTAL_BYTES - this.bytesKept);
      const kept = bytes.length > room ? bytes.subarray(0, Math.max(0, room)) : bytes;
      if (kept.length > 0) event.bytes = toBase64(redact(kept));
      this.bytesKept += kept.length;
      if (kept !== bytes) event.note = `${e.note ? e.note + '; ' : ''}only the first ${kept.length} of ${bytes.length} bytes kept (trace size limits)`;
    }
    this.events.push(event);
    return seq;
  }
}

function redact(bytes: Uint8Array): Uint8Array {
  const text = fromUtf8Strict(bytes);
  if (text === null || !/authorization/i.test(text)) return bytes;
  const masked = redactDigestResponse(text);
  return masked === text ? bytes : utf8(masked);
}
