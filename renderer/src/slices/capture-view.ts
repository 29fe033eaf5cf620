// Capture view slice: what the dialog list of an imported capture shows (filter, failures only,
// sort), shared with the findings' "show affected" buttons. New results start from an unfiltered list.
import type { SortKey } from '../../../shared/capture/dialog-filter.js';
import type { SliceCreator } from '../store.js';

interface CaptureView {
  /** sngrep-style filter text (`status:4xx ua:Jitsi`). */
  filter: string;
  failuresOnly: boolean;
  sort: SortKey;
  descending: boolean;
  /** Bumped by "show affected" so the list scrolls itself into view. */
  focusRequest: number;
}

export interface CaptureViewSlice {
  captureView: CaptureView;
  filterDialogs(filter: string): void;
  toggleFailuresOnly(): void;
  /** Sorts by `key`; the same key again reverses the order. */
  sortDialogs(key: SortKey): void;
  /** "Show affected" of a finding: the list filtered to the exchanges it is about, scrolled into view. */
  showAffected(findingId: string): void;
}

export const UNFILTERED: CaptureView = { filter: '', failuresOnly: false, sort: 'start', descending: false, focusRequest: 0 };

export const createCaptureViewSlice: SliceCreator<CaptureViewSlice> = (set) => ({
  captureView: UNFILTERED,
  filterDialogs: (filter) => set((s) => ({ captureView: { ...s.captureView, filter } })),
  toggleFailuresOnly: () => set((s) => ({ captureView: { ...s.captureView, failuresOnly: !s.captureView.failuresOnly } })),
  sortDialogs: (key) =>
    set((s) => ({ captureView: { ...s.captureView, sort: key, descending: s.captureView.sort === key ? !s.captureView.descending : false } })),
  showAffected: (findingId) =>
    set((s) => ({ captureView: { ...s.captureView, filter: `finding:${findingId}`, failuresOnly: false, focusRequest: s.captureView.focusRequest + 1 } })),
});
