import type { JSX } from 'react';
// The way into the history, "Keep checking" and the comparison (a bar under the steps), and the
// panel that is open, shown instead of the steps.
import { useApp } from '../../store.js';
import { CompareView } from '../compare/CompareView.js';
import { WatchPanel } from '../watch/WatchPanel.js';
import { HistoryPanel } from './HistoryPanel.js';

export function HistoryNav(): JSX.Element {
  const panel = useApp((s) => s.historyPanel);
  const show = useApp((s) => s.showHistoryPanel);
  const watching = useApp((s) => s.watchView !== null && s.watchView.ended === null);
  return (
    <nav aria-label="History" className="history-nav">
      {panel ? (
        <button type="button" data-testid="nav-back" onClick={() => show(null)}>
          ← Back
        </button>
      ) : (
        <button type="button" data-testid="nav-history" onClick={() => show('history')}>
          History
        </button>
      )}
      {watching && panel !== 'watch' && (
        <>
          {' '}
          <button type="button" data-testid="nav-watch" onClick={() => show('watch')}>
            Keep checking: running
          </button>
        </>
      )}
    </nav>
  );
}

export function HistoryPanels(): JSX.Element | null {
  const panel = useApp((s) => s.historyPanel);
  if (panel === 'history') return <HistoryPanel />;
  if (panel === 'watch') return <WatchPanel />;
  if (panel === 'compare') return <CompareView />;
  return null;
}
