// App state: one zustand store made of slices, each with its state and named actions.
//
// Adding a slice (a feature's state):
//   1. Create renderer/src/slices/<feature>.ts exporting `interface <Feature>Slice` (fields and
//      actions, each action named for what happened or what it does: `openResults`, `selectArrow`)
//      and `create<Feature>Slice: SliceCreator<<Feature>Slice>` (see slices/results.ts).
//   2. Add `& <Feature>Slice` to AppState and `...create<Feature>Slice(...a)` to useApp below.
// Components read through narrow selectors: `useApp((s) => s.result)`, or `useApp(useShallow((s) =>
// ({ a: s.a, b: s.b })))` for several fields, so that a change elsewhere does not render them; they
// change state only through actions (there is no generic `set`). Engine events enter in useRunBridge.
import { create, type StateCreator } from 'zustand';
import { createAccountSlice, type AccountSlice } from './slices/account.js';
import { createAuditSlice, type AuditSlice } from './slices/audit.js';
import { createCaptureViewSlice, type CaptureViewSlice } from './slices/capture-view.js';
import { createHistorySlice, type HistorySlice } from './slices/history.js';
import { createResultsSlice, type ResultsSlice } from './slices/results.js';
import { createRunSlice, type RunSlice } from './slices/run.js';

export type AppState = AccountSlice & RunSlice & ResultsSlice & CaptureViewSlice & AuditSlice & HistorySlice;

/** A slice's creator: its part of the state, with `set`/`get` over the whole state (actions may span slices). */
export type SliceCreator<Slice> = StateCreator<AppState, [], [], Slice>;

export const useApp = create<AppState>()((...a) => ({
  ...createAccountSlice(...a),
  ...createRunSlice(...a),
  ...createResultsSlice(...a),
  ...createCaptureViewSlice(...a),
  ...createAuditSlice(...a),
  ...createHistorySlice(...a),
}));

export { EMPTY_FORM, type AccountForm } from './slices/account.js';
