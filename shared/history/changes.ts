// Change events of watch mode: what changed from one run to the next, in the words a help desk
// would write in a ticket ("UDP from port 5060 started failing at 14:05 (no answer); TCP kept working").
import { outcomeWords, type AttemptPoint, type RunSnapshot } from './snapshot.js';

export type ChangeKind = 'started-failing' | 'recovered' | 'failure-changed' | 'appeared' | 'disappeared';

export interface ChangeEvent {
  /** ISO time of the run in which the change was seen. */
  at: string;
  attemptKind: string;
  label: string;
  change: ChangeKind;
  before?: string;
  after?: string;
  text: string;
}

/** Default time of day: HH:MM in UTC (the CLI and the app pass their local clock's formatter). */
export const utcTimeOfDay = (iso: string): string => iso.slice(11, 16);

/** "A", "A and B", "A, B and C". */
export function listInWords(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

function changeOf(before: AttemptPoint | undefined, after: AttemptPoint | undefined): ChangeKind | null {
  if (!before) return 'appeared';
  if (!after) return 'disappeared';
  if (before.registered && !after.registered) return 'started-failing';
  if (!before.registered && after.registered) return 'recovered';
  if (!after.registered && outcomeWords(before) !== outcomeWords(after)) return 'failure-changed';
  return null;
}

const PHRASE: Record<ChangeKind, (at: string, before: string, after: string) => string> = {
  'started-failing': (at, _b, after) => `started failing at ${at} (${after})`,
  recovered: (at, before) => `works again since ${at} (was: ${before})`,
  'failure-changed': (at, before, after) => `still fails, differently since ${at}: ${after} (was: ${before})`,
  appeared: (at, _b, after) => `was tried for the first time at ${at} (${after})`,
  disappeared: (at) => `was no longer tried at ${at}`,
};

/**
 * What changed between two consecutive runs, one event per attempt kind that changed, each naming
 * what kept working (the contrast is what points at the cause). No event when nothing changed.
 */
export function changeEvents(previous: RunSnapshot, next: RunSnapshot, timeOf: (iso: string) => string = utcTimeOfDay): ChangeEvent[] {
  const before = new Map(previous.attempts.map((a) => [a.kind, a]));
  const after = new Map(next.attempts.map((a) => [a.kind, a]));
  const kinds = [...new Set([...before.keys(), ...after.keys()])];
  const keptWorking = kinds.filter((k) => before.get(k)?.registered && after.get(k)?.registered).map((k) => after.get(k)!.label);
  const at = timeOf(next.at);
  const events: ChangeEvent[] = [];
  for (const kind of kinds) {
    const b = before.get(kind);
    const a = after.get(kind);
    const change = changeOf(b, a);
    if (!change) continue;
    const beforeWords = b ? outcomeWords(b) : undefined;
    const afterWords = a ? outcomeWords(a) : undefined;
    const kept = change === 'started-failing' && keptWorking.length ? `; ${listInWords(keptWorking)} kept working` : '';
    events.push({
      at: next.at,
      attemptKind: kind,
      label: (a ?? b)!.label,
      change,
      ...(beforeWords ? { before: beforeWords } : {}),
      ...(afterWords ? { after: afterWords } : {}),
      text: `${(a ?? b)!.label} ${PHRASE[change](at, beforeWords ?? '', afterWords ?? '')}${kept}`,
    });
  }
  return events;
}
