// The stage of an import that turns capture file bytes into SIP messages: records → packets →
// datagrams and TCP streams → messages. An import pushes a pcap/pcapng file's chunks through it.
import { CaptureFileReader } from './file.js';
import { SipExtractor, type CaptureDrops, type CapturedMessage } from './sip-messages.js';

export interface PacketStage {
  /** The next bytes of the file; the caller may reuse `chunk`'s memory once this returns. */
  push(chunk: Uint8Array): void;
  /** The file ended: throws a CaptureError when it was never a capture (a last record cut short is counted in drops()). */
  end(): void;
  /** Packets read so far. */
  readonly packets: number;
  /** Frames that were not IP/UDP/TCP, or malformed. */
  readonly skipped: number;
  drops(): CaptureDrops;
}

/** A stage that gives every message it finds to `emit` (UDP ones as views into the chunk: copy what must be kept). */
export function packetStage(emit: (m: CapturedMessage) => void): PacketStage {
  const extractor = new SipExtractor(emit);
  const reader = new CaptureFileReader((p) => extractor.packet(p));
  return {
    push: (chunk) => reader.push(chunk),
    end: () => reader.end(),
    get packets() {
      return reader.packets;
    },
    get skipped() {
      return extractor.skipped;
    },
    drops: () => ({ fragments: extractor.fragmentDrops(), tcp: extractor.tcpDrops, cutShortBytes: reader.cutShortBytes }),
  };
}

export interface CaptureSummary {
  messages: CapturedMessage[];
  packets: number;
  skipped: number;
  dropped: CaptureDrops;
}

/** Messages of a whole pcap/pcapng file in memory (tests, small files). */
export function messagesOfFile(bytes: Uint8Array): CaptureSummary {
  const messages: CapturedMessage[] = [];
  const stage = packetStage((m) => messages.push(m));
  stage.push(bytes);
  stage.end();
  return { messages, packets: stage.packets, skipped: stage.skipped, dropped: stage.drops() };
}
