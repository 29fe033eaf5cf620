// Transaction timers (RFC 3261 §17.1.2.2, Table 4). Probes use shorter deadlines than Timer F so a
// full check stays within seconds; each attempt records which rule ended its wait.

/** RTT estimate. */
export const T1_MS = 500;
/** Maximum retransmit interval for non-INVITE requests. */
export const T2_MS = 4000;
/** Maximum duration a message remains in the network. */
export const T4_MS = 5000;
/** Timer B: INVITE transaction timeout, 64*T1. */
export const TIMER_B_MS = 64 * T1_MS;
/** Timer F: non-INVITE transaction timeout, 64*T1. */
export const TIMER_F_MS = 64 * T1_MS;

/** Timer E: when a non-INVITE request is (re)sent over UDP before `deadlineMs`: intervals start at T1 and double up to T2. */
export function timerESendTimes(deadlineMs: number): number[] {
  const sendsAt: number[] = [];
  let interval = T1_MS;
  for (let t = 0; t < deadlineMs; t += interval, interval = Math.min(interval * 2, T2_MS)) sendsAt.push(t);
  return sendsAt;
}
