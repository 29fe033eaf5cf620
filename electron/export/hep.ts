// `--hep HOST:PORT`: sends every traced SIP message of a run to a Homer / Kamailio sipcapture
// collector as HEP v3 over UDP (encoding in shared/export/hep.ts).
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { resultToHep } from '../../shared/export/hep.js';
import type { CheckResult } from '../../shared/model/results.js';
import type { HostPort } from './host-port.js';

/** Our capture agent id in Homer ("SL"): tells the customer-side trace apart from the provider's own agents. */
export const SIPLADDER_CAPTURE_AGENT_ID = 0x534c;

export interface HepReport {
  sent: number;
  /** Messages that could not be encoded (see resultToHep) or whose datagram failed to go out. */
  skipped: number;
}

export class HepExporter {
  private readonly socket: Socket;

  constructor(
    private readonly target: HostPort,
    private readonly captureAgentId = SIPLADDER_CAPTURE_AGENT_ID,
  ) {
    this.socket = createSocket(isIPv6(target.host) ? 'udp6' : 'udp4');
  }

  /**
   * Sends a run's messages one after the other (each waits for the previous datagram to leave, so a
   * run's burst is paced by the socket); bounded by the trace's own event cap.
   */
  async send(result: CheckResult): Promise<HepReport> {
    const { packets, skipped } = resultToHep(result, this.captureAgentId);
    let failed = 0;
    for (const packet of packets) {
      const ok = await new Promise<boolean>((resolve) => this.socket.send(packet, this.target.port, this.target.host, (err) => resolve(!err)));
      if (!ok) failed++;
    }
    return { sent: packets.length - failed, skipped: skipped + failed };
  }

  close(): void {
    this.socket.close();
  }
}

/** One run to the collector and back, in one line for the terminal (`check --hep`, `watch --hep`). */
export async function sendRunToHep(target: HostPort, result: CheckResult): Promise<string> {
  const exporter = new HepExporter(target);
  try {
    const { sent, skipped } = await exporter.send(result);
    return `HEP: ${sent} SIP messages sent to ${target.host}:${target.port}${skipped ? `; ${skipped} not sent (no IP addresses, too long for HEP, or the send failed)` : ''}`;
  } finally {
    exporter.close();
  }
}
