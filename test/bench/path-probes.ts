// `npm run bench`: where the path probes' time goes, with every probe on (Kamailio, coturn, and the
// reflector on the second server address), on a healthy path and with every UDP path silent.
import {
  applyFault,
  checkFromClient,
  clearFaults,
  coturn,
  Kamailio,
  labDown,
  labUnavailableReason,
  labUp,
  reflector,
  SERVER_IP,
  SERVER_IP2,
} from '../lab/lab.js';

export interface PathProbeFigure {
  scenario: string;
  /** End of the registration matrix and of the whole check, ms (engine time). */
  matrixMs: number;
  totalMs: number;
  /** Duration of each path probe, ms. */
  probes: Record<string, number>;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchPathProbes(runs = 3): Promise<PathProbeFigure[] | string> {
  const why = labUnavailableReason();
  if (why) return why;
  labUp();
  const kamailio = new Kamailio();
  const peers = [coturn(), reflector(SERVER_IP2)];
  try {
    await kamailio.start();
    for (const p of peers) await p.start();
    const out: PathProbeFigure[] = [];
    for (const [scenario, silent] of [
      ['healthy', false],
      ['every UDP path silent', true],
    ] as const) {
      const samples: Array<{ matrixMs: number; totalMs: number; probes: Record<string, number> }> = [];
      for (let i = 0; i < runs; i++) {
        clearFaults();
        if (silent) applyFault('block-all-udp');
        const { result } = await checkFromClient(['--stun', SERVER_IP, '--reflector', SERVER_IP2], undefined, 90_000);
        samples.push({
          matrixMs: Math.max(...result.attempts.map((a) => a.startedAt + a.durationMs)),
          totalMs: result.durationMs,
          probes: Object.fromEntries(Object.entries(result.pathProbes ?? {}).map(([k, v]) => [k, v.durationMs])),
        });
      }
      const names = [...new Set(samples.flatMap((s) => Object.keys(s.probes)))].sort();
      out.push({
        scenario,
        matrixMs: median(samples.map((s) => s.matrixMs)),
        totalMs: median(samples.map((s) => s.totalMs)),
        probes: Object.fromEntries(names.map((n) => [n, median(samples.map((s) => s.probes[n] ?? 0))])),
      });
    }
    clearFaults();
    return out;
  } finally {
    for (const p of peers) await p.stop();
    await kamailio.stop();
    kamailio.dispose();
    labDown();
  }
}
