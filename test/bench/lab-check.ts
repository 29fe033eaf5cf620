// Wall time of a full check against the lab (real Kamailio behind NAT).
import { applyFault, checkFromClient, clearFaults, Kamailio, labDown, labUnavailableReason, labUp, type Fault } from '../lab/lab.js';

export interface LabFigure { scenario: string; checkMs: number; wallMs: number; outcomes: string }

export async function benchLabChecks(runs = 3): Promise<LabFigure[] | string> {
  const why = labUnavailableReason();
  if (why) return why;
  labUp();
  const kamailio = new Kamailio();
  try {
    await kamailio.start();
    const scenarios: Array<[string, Fault | null]> = [['healthy', null], ['seed 000: inbound UDP 5060 dropped', 'drop-inbound-udp-5060'], ['all UDP blocked', 'block-all-udp']];
    const out: LabFigure[] = [];
    for (const [name, fault] of scenarios) {
      const checkMs: number[] = [];
      const wallMs: number[] = [];
      let outcomes = '';
      for (let i = 0; i < runs; i++) {
        clearFaults();
        if (fault) applyFault(fault);
        const r = await checkFromClient(['--skip-path-probes']);
        checkMs.push(r.result.durationMs);
        wallMs.push(r.wallMs);
        outcomes = r.result.attempts.map((a) => `${a.label}=${a.outcome}`).join(', ');
      }
      const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      out.push({ scenario: name, checkMs: median(checkMs), wallMs: median(wallMs), outcomes });
    }
    return out;
  } finally {
    await kamailio.stop();
    kamailio.dispose();
    labDown();
  }
}
