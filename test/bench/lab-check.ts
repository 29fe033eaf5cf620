// Wall time of a full check against the lab (real Kamailio behind NAT).
import {
  applyFault,
  applyFragmentFault,
  checkFromClient,
  clearFaults,
  coturn,
  Kamailio,
  labDown,
  labUnavailableReason,
  labUp,
  SERVER_IP,
  timedCheckFromClient,
  type Fault,
  type TimedCheck,
} from '../lab/lab.js';

export interface LabFigure {
  scenario: string;
  checkMs: number;
  wallMs: number;
  outcomes: string;
}
export interface FragmentFigure {
  scenario: string;
  probeMs: number;
  series: string[];
}

/** Time to the first verdict (the matrix) and to the complete one (path probes included), per scenario. */
export interface VerdictFigure {
  scenario: string;
  firstMs: number;
  completeMs: number;
  wallFirstMs: number;
  wallMs: number;
  verdict: string;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Healthy and worst case (every UDP path silent), the whole check as a user runs it, without and with a STUN server. */
async function verdictTimes(runs: number): Promise<VerdictFigure[]> {
  const out: VerdictFigure[] = [];
  const scenarios = [
    ['healthy', null, []],
    ['worst case: every UDP path silent', 'block-all-udp', []],
    ['healthy, --stun', null, ['--stun', SERVER_IP]],
    ['worst case, --stun', 'block-all-udp', ['--stun', SERVER_IP]],
  ] as const;
  for (const [scenario, fault, extra] of scenarios) {
    const times: TimedCheck[] = [];
    for (let i = 0; i < runs; i++) {
      clearFaults();
      if (fault) applyFault(fault);
      const t = await timedCheckFromClient([...extra]);
      if (t.firstVerdictMs === undefined || t.completeMs === undefined) throw new Error(`check gave no verdict times: ${t.stderr.slice(-2000)}`);
      times.push(t);
    }
    out.push({
      scenario,
      firstMs: median(times.map((t) => t.firstVerdictMs!)),
      completeMs: median(times.map((t) => t.completeMs!)),
      wallFirstMs: median(times.map((t) => t.wallFirstMs!)),
      wallMs: median(times.map((t) => t.wallMs)),
      verdict: times[0]!.firstVerdict!,
    });
  }
  return out;
}

export async function benchLabChecks(runs = 3): Promise<{ checks: LabFigure[]; fragments: FragmentFigure[]; verdicts: VerdictFigure[] } | string> {
  const why = labUnavailableReason();
  if (why) return why;
  labUp();
  const kamailio = new Kamailio();
  const stun = coturn();
  try {
    await kamailio.start();
    await stun.start();
    const scenarios: Array<[string, Fault | null]> = [
      ['healthy', null],
      ['seed 000: inbound UDP 5060 dropped', 'drop-inbound-udp-5060'],
      ['all UDP blocked', 'block-all-udp'],
    ];
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
      out.push({ scenario: name, checkMs: median(checkMs), wallMs: median(wallMs), outcomes });
    }
    // Seed 001: the fragmentation probe on a clean router, one that delays fragments, one that drops them.
    const fragments: FragmentFigure[] = [];
    for (const [name, fault] of [
      ['clean', null],
      ['fragments delayed', 'delay'],
      ['fragments dropped', 'drop'],
    ] as const) {
      clearFaults();
      if (fault) applyFragmentFault(fault);
      const r = await checkFromClient(['--transports', 'udp,tcp'], undefined, 90_000);
      const f = r.result.pathProbes!.fragmentation!;
      fragments.push({
        scenario: name,
        probeMs: f.durationMs,
        series: f.series.map(
          (s) =>
            `${s.transport}/${s.mode}: ${s.points
              .filter((p) => p.sends > 0)
              .map((p) => `${p.size}=${p.delivered ? `${Math.round(p.rttMs!)}ms` : 'lost'}`)
              .join(' ')}`,
        ),
      });
    }
    clearFaults();
    return { checks: out, fragments, verdicts: await verdictTimes(runs) };
  } finally {
    await stun.stop();
    await kamailio.stop();
    kamailio.dispose();
    labDown();
  }
}
