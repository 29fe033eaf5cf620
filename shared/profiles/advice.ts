// The one line under the verdict: what to do, in the settings of the client the user picked on
// the account screen ('unknown' when they did not say which).
import type { Diagnosis } from '../diagnosis/types.js';
import type { CheckResult } from '../model/results.js';
import { CLIENT_PROFILES } from './clients.js';
import { predictProfiles } from './predict.js';

export const UNKNOWN_CLIENT = 'unknown';

export function adviceFor(clientId: string, result: CheckResult, d: Diagnosis): string | null {
  const top = d.findings.find((f) => f.severity === 'error') ?? d.findings.find((f) => f.severity === 'warning');
  const general = top?.fix[0] ? `What to do: ${top.fix[0].charAt(0).toLowerCase()}${top.fix[0].slice(1)}.` : null;
  const profile = CLIENT_PROFILES.find((p) => p.id === clientId);
  if (!profile) return general;
  const p = predictProfiles(result, [profile])[0]!;
  if (p.verdict === 'fails') return `${profile.name}: ${p.fix ?? `it would fail here (${p.because})`}.`;
  if (p.verdict === 'works')
    return `${profile.name} should register here with its default settings${top ? `; still, ${general!.slice('What to do: '.length, -1)}` : ''}.`;
  return general ?? `${profile.name}: ${p.because}.`;
}
