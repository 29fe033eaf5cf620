// What the dialog list of a capture shows (filter, failures only, sort), shared with the findings'
// "show affected" buttons.
import { create } from 'zustand';
import type { SortKey } from '../../../../shared/capture/dialog-filter.js';

export interface CaptureView {
  filter: string;
  failuresOnly: boolean;
  sort: SortKey;
  descending: boolean;
  /** Bumped by "show affected" so the list scrolls itself into view. */
  focusRequest: number;
  set(patch: Partial<Omit<CaptureView, 'set'>>): void;
}

export const useCaptureView = create<CaptureView>((set) => ({
  filter: '', failuresOnly: false, sort: 'start', descending: false, focusRequest: 0,
  set: (patch) => set(patch),
}));

/** "Show affected" of a finding: the list filtered to the exchanges it is about. */
export function showAffected(findingId: string): void {
  const v = useCaptureView.getState();
  v.set({ filter: `finding:${findingId}`, failuresOnly: false, focusRequest: v.focusRequest + 1 });
}
