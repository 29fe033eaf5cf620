// History slice: the run history list, "Keep checking" (the watch in progress and its runs) and the
// comparison of two runs. Which of these panels is open is `historyPanel` (null: the usual steps).
import type { ComparedRuns, HistoryEntrySummary, WatchEvent, WatchSettings } from '../../../shared/history/types.js';
import type { SliceCreator } from '../store.js';

export type HistoryPanel = 'history' | 'watch' | 'compare';

export interface WatchRunView {
  index: number;
  verdict: string;
  full: boolean;
  incomplete: boolean;
  cycleMs: number;
  historyId?: number;
  snapshot: Extract<WatchEvent, { type: 'run' }>['snapshot'];
  changes: Extract<WatchEvent, { type: 'run' }>['changes'];
}

export interface WatchView {
  watchId: string;
  settings: WatchSettings;
  runs: WatchRunView[];
  /** Set when the watch ended, with why. */
  ended: Extract<WatchEvent, { type: 'ended' }> | null;
}

/** Runs of a watch kept on screen (the history keeps them all): a day at 5 min is 288. */
export const MAX_WATCH_RUNS_SHOWN = 1000;

export interface HistorySlice {
  historyPanel: HistoryPanel | null;
  historyEntries: HistoryEntrySummary[];
  /** Ids ticked for comparing, oldest tick first (at most two). */
  compareIds: number[];
  compared: ComparedRuns | null;
  watchView: WatchView | null;
  historyError: string | null;
  showHistoryPanel(panel: HistoryPanel | null): void;
  historyListed(entries: HistoryEntrySummary[]): void;
  /** Ticks or unticks a run for comparing; a third tick replaces the older one. */
  toggleCompare(id: number): void;
  runsCompared(c: ComparedRuns): void;
  watchEvent(e: WatchEvent): void;
  historyFailed(message: string): void;
}

export const createHistorySlice: SliceCreator<HistorySlice> = (set, get) => ({
  historyPanel: null,
  historyEntries: [],
  compareIds: [],
  compared: null,
  watchView: null,
  historyError: null,
  showHistoryPanel: (panel) => set({ historyPanel: panel, historyError: null }),
  historyListed: (entries) => set({ historyEntries: entries, compareIds: get().compareIds.filter((id) => entries.some((e) => e.id === id)) }),
  toggleCompare: (id) => {
    const ids = get().compareIds;
    set({ compareIds: ids.includes(id) ? ids.filter((x) => x !== id) : [...ids, id].slice(-2) });
  },
  runsCompared: (c) => set({ compared: c, historyPanel: 'compare', historyError: null }),
  watchEvent: (e) => {
    const w = get().watchView;
    if (e.type === 'started') return set({ watchView: { watchId: e.watchId, settings: e.settings, runs: [], ended: null }, historyPanel: 'watch' });
    if (!w || w.watchId !== e.watchId) return;
    if (e.type === 'ended') return set({ watchView: { ...w, ended: e } });
    const { watchId: _id, type: _type, ...run } = e;
    set({ watchView: { ...w, runs: [...w.runs, run].slice(-MAX_WATCH_RUNS_SHOWN) } });
  },
  historyFailed: (message) => set({ historyError: message }),
});
