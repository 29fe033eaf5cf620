// Transaction timers (RFC 3261 §17.1.2.2, Table 4), used by the transaction machine (transaction.ts).
// Probes use shorter deadlines than Timer F so a full check stays within seconds; each attempt
// records which rule ended its wait.

/** RTT estimate. */
export const T1_MS = 500;
/** Maximum retransmit interval for non-INVITE requests. */
export const T2_MS = 4000;
/** Maximum duration a message remains in the network. */
export const T4_MS = 5000;
/** Timer E: the first retransmission interval of a non-INVITE request over UDP; it doubles up to T2. */
export const TIMER_E_MS = T1_MS;
/** Timer F: non-INVITE transaction timeout, 64*T1. */
export const TIMER_F_MS = 64 * T1_MS;
/** Timer K: how long a completed non-INVITE transaction absorbs retransmitted responses over UDP (0 when reliable). */
export const TIMER_K_MS = T4_MS;
