// The dialog list while a capture is still being read, sent with the import's progress as changes:
// the dialogs that appeared since the last progress event, and the new answer and message count of
// those that changed. The page shows them as they come, the way sngrep lists dialogs as they arrive;
// the results replace them once the whole file is read (they judge each exchange whole).

/** Longest text kept in a live row (a hostile capture's 16 KB user agent must not ride on every event). */
const TEXT_MAX = 64;
/** New rows sent with one progress event; the rest follow with the next ones. */
export const LIVE_ROWS_PER_EVENT = 2000;

export interface LiveDialog {
  /** Order of appearance in the capture, from 0. */
  n: number;
  /** Seconds since the capture's first message. */
  at: number;
  method: string;
  /** The first request's sender, as address:port. */
  client: string;
  user: string;
  agent: string;
  callId: string;
  /** The latest final answer to the dialog's method so far. */
  status?: number;
  messages: number;
}

export interface LiveDialogChanges {
  added: LiveDialog[];
  /** Rows sent before that changed since: [n, status (0: none yet), messages]. */
  changed: Array<[number, number, number]>;
}

/** What a live row shows of a dialog, read when a progress event is made (not per message). */
export type LiveSource = Omit<LiveDialog, 'n'>;

const cut = (s: string): string => (s.length > TEXT_MAX ? s.slice(0, TEXT_MAX) : s);

/**
 * Tracks which dialogs the page has seen: `touch` marks a dialog (by its order of appearance) as
 * new or changed; `changes` reads the marked ones once and forgets the marks.
 */
export class LiveDialogTracker<D> {
  private readonly dialogs: D[] = [];
  private sent = 0;
  private dirty = new Set<number>();

  constructor(private readonly read: (d: D) => LiveSource) {}

  /** A new dialog; returns its number. */
  appeared(d: D): number {
    this.dialogs.push(d);
    return this.dialogs.length - 1;
  }

  touch(n: number): void {
    if (n < this.sent) this.dirty.add(n);
  }

  changes(): LiveDialogChanges {
    const changed: LiveDialogChanges['changed'] = [];
    for (const n of this.dirty) {
      const s = this.read(this.dialogs[n]!);
      changed.push([n, s.status ?? 0, s.messages]);
    }
    this.dirty = new Set();
    const end = Math.min(this.dialogs.length, this.sent + LIVE_ROWS_PER_EVENT);
    const added: LiveDialog[] = [];
    for (let n = this.sent; n < end; n++) {
      const s = this.read(this.dialogs[n]!);
      added.push({
        n,
        at: s.at,
        method: cut(s.method),
        client: s.client,
        user: cut(s.user),
        agent: cut(s.agent),
        callId: cut(s.callId),
        status: s.status,
        messages: s.messages,
      });
    }
    this.sent = end;
    return { added, changed };
  }

  /** The dialogs are no longer needed (the results are built). */
  clear(): void {
    this.dialogs.length = 0;
    this.dirty.clear();
  }
}

/** Applies changes to the rows the page holds (a new array; rows not changed are kept as they are). */
export function applyLiveChanges(rows: readonly LiveDialog[], c: LiveDialogChanges): LiveDialog[] {
  const out = rows.slice();
  for (const d of c.added) if (d.n === out.length) out.push(d); // rows come in order, each once
  for (const [n, status, messages] of c.changed) {
    const row = out[n];
    if (row) out[n] = { ...row, status: status || undefined, messages };
  }
  return out;
}
