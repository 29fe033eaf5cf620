// What the history panels ask the backend, each ending in a store action (errors shown in the panel).
import { api } from '../../api.js';
import { useApp } from '../../store.js';
import { download } from '../BundleExport.js';

/** Most runs listed at once (newest first). */
export const HISTORY_LIST_LIMIT = 200;

async function guarded(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    useApp.getState().historyFailed((e as Error).message);
  }
}

export const refreshHistory = (): Promise<void> => guarded(async () => useApp.getState().historyListed(await api.historyList({ limit: HISTORY_LIST_LIMIT })));

/** A stored run becomes the shown results, as an opened bundle does. */
export const openHistoryRun = (id: number): Promise<void> =>
  guarded(async () => {
    const view = await api.historyOpen(id);
    const s = useApp.getState();
    s.openResults(view);
    s.showHistoryPanel(null);
  });

export const exportHistoryRun = (id: number): Promise<void> => guarded(async () => download(await api.historyExport(id, null)));

/** The two ticked runs, the older one first (the "before"). */
export const compareTicked = (): Promise<void> =>
  guarded(async () => {
    const [a, b] = [...useApp.getState().compareIds].sort((x, y) => x - y);
    if (a === undefined || b === undefined) return;
    useApp.getState().runsCompared(await api.historyCompare(a, b));
  });
