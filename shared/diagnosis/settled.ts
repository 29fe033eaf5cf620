// What rules and predictions may judge: only what finished. An attempt or probe cut short by Cancel
// says nothing about the network, so it is left out rather than read as silence or loss.
import type { CheckResult } from '../model/results.js';

export function settledResult(result: CheckResult): CheckResult {
  const probes = result.pathProbes;
  if (!probes && !result.attempts.some((a) => a.outcome === 'aborted')) return result;
  const kept = probes && Object.fromEntries(Object.entries(probes).filter(([, r]) => r.outcome !== 'aborted'));
  return {
    ...result,
    attempts: result.attempts.filter((a) => a.outcome !== 'aborted'),
    ...(kept ? { pathProbes: kept } : {}),
  };
}
