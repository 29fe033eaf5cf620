// A capture import fed chunk by chunk (from a file stream, or slices of an upload): packets are
// read, decoded and grouped as they arrive, and released; only SIP messages are kept. The caller
// decides when to yield to its event loop between chunks and can stop at any chunk (cancel).
import type { CaptureOrigin, CheckResult } from '../model/results.js';
import { countOf } from './count-text.js';
import { dropsText } from './drops.js';
import { concatBytes, fromUtf8Strict } from '../hash/utf8.js';
import type { FileRanges } from './arena.js';
import { CaptureGrouper } from './as-result.js';
import type { CapturePreview } from './preview.js';
import type { LiveDialogChanges } from './live-dialogs.js';
import { CaptureError, isCaptureMagic } from './file.js';
import { NO_FRAGMENT_DROPS } from './packets.js';
import { packetStage, type PacketStage } from './packet-stage.js';
import { parseNgrep, type CaptureDrops } from './sip-messages.js';

/** Largest ngrep text accepted: it is parsed whole (ngrep files are small; pcaps are streamed). */
export const MAX_NGREP_BYTES = 64 * 1024 * 1024;
/** Bytes needed to tell a pcap/pcapng magic number from text. */
const MAGIC_BYTES = 4;

export interface CaptureProgress {
  bytes: number;
  /** Size of the whole file, when known. */
  totalBytes?: number;
  packets: number;
  messages: number;
  exchanges: number;
  /** What has been found so far (pcap/pcapng only: ngrep text is read at the end). */
  preview?: CapturePreview;
  /** The dialogs that appeared or changed since the last progress (when asked for: the app's list while it reads). */
  dialogs?: LiveDialogChanges;
}

export interface ImportedCapture {
  format: 'pcap' | 'ngrep';
  packets: number;
  /** Frames that were not IP/UDP/TCP, or malformed. */
  skipped: number;
  dropped: CaptureDrops;
  messages: number;
  result: CheckResult;
}

export class CaptureImport {
  private readonly grouper: CaptureGrouper;
  /** Made when the bytes turn out to be a pcap or pcapng file. */
  private stage: PacketStage | null = null;
  /** Undecided (fewer than MAGIC_BYTES so far) or ngrep text: held until the end. */
  private held: Uint8Array[] = [];
  private heldBytes = 0;
  private format: 'pcap' | 'ngrep' | null = null;
  private bytes = 0;

  /** `file` reads the capture file back, when it stays readable: its messages are then not copied. */
  constructor(
    private readonly totalBytes?: number,
    file?: FileRanges,
  ) {
    this.grouper = new CaptureGrouper(file);
  }

  push(chunk: Uint8Array): void {
    this.bytes += chunk.length;
    if (this.stage) return this.stage.push(chunk);
    this.held.push(chunk.slice()); // the caller may reuse the chunk's memory
    this.heldBytes += chunk.length;
    if (this.format === null && this.heldBytes >= MAGIC_BYTES) {
      const start = concatBytes(this.held);
      this.held = [start];
      this.format = isCaptureMagic(start) ? 'pcap' : 'ngrep';
      if (this.format === 'pcap') {
        this.held = [];
        this.stage = packetStage((m) => this.grouper.add(m));
        this.stage.push(start);
      }
    }
    if (this.heldBytes > MAX_NGREP_BYTES) throw new CaptureError(`not a pcap or pcapng file, and text beyond ${MAX_NGREP_BYTES} bytes`, MAX_NGREP_BYTES);
  }

  /** Progress so far; `liveDialogs`: with the dialogs' changes since the last call (each change is given once). */
  progress(liveDialogs = false): CaptureProgress {
    return {
      bytes: this.bytes,
      totalBytes: this.totalBytes,
      packets: this.stage?.packets ?? 0,
      messages: this.grouper.messages,
      exchanges: this.grouper.exchanges,
      ...(this.format === 'pcap' ? { preview: this.grouper.preview.snapshot() } : {}),
      ...(this.format === 'pcap' && liveDialogs ? { dialogs: this.grouper.live.changes() } : {}),
    };
  }

  finish(source: string): ImportedCapture {
    if (this.stage) {
      this.stage.end();
      const dropped = this.stage.drops();
      const result = this.grouper.result(this.origin(source, 'pcap', dropped));
      return { format: 'pcap', packets: this.stage.packets, skipped: this.stage.skipped, dropped, messages: this.grouper.messages, result };
    }
    const text = fromUtf8Strict(concatBytes(this.held));
    this.held = [];
    const { messages, untimed, relative } = text === null ? { messages: [], untimed: 0, relative: 0 } : parseNgrep(text);
    if (!messages.length) {
      throw new CaptureError('not a pcap or pcapng file, and no ngrep "-W byline" SIP packets found in it', 0);
    }
    for (const m of messages) this.grouper.add(m);
    const dropped = { fragments: { ...NO_FRAGMENT_DROPS }, tcp: { unsyncedBytes: 0, gaps: 0 }, cutShortBytes: 0 };
    return {
      format: 'ngrep',
      packets: 0,
      skipped: 0,
      dropped,
      messages: this.grouper.messages,
      result: this.grouper.result(this.origin(source, 'ngrep', dropped, ngrepTimeNote(untimed, relative))),
    };
  }

  private origin(source: string, format: CaptureOrigin['format'], dropped: CaptureDrops, note = ''): CaptureOrigin {
    return {
      file: source.split(/[\\/]/).pop() ?? source,
      format,
      packets: this.stage?.packets ?? 0,
      sipMessages: this.grouper.messages,
      leftOut: [dropsText(dropped).trim(), note].filter(Boolean).join(' '),
    };
  }
}

/** What ngrep text without dates (run without -t) leaves unknown; '' when every packet had one. */
function ngrepTimeNote(untimed: number, relative: number): string {
  if (untimed) return `${countOf(untimed, 'packet')} without a time (ngrep was run without -t): their order is the file's, their timings unknown.`;
  return relative ? 'Times are relative (ngrep -T): the date of the capture is unknown.' : '';
}

/** A whole capture already in memory (tests, small files). */
export function importCapture(bytes: Uint8Array, source: string): ImportedCapture {
  const im = new CaptureImport(bytes.length);
  im.push(bytes);
  return im.finish(source);
}
