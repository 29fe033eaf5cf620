import type { JSX } from 'react';
import { AccountStep } from './components/AccountStep.js';
import { AuditTab } from './components/audit/AuditTab.js';
import { ViewTabs } from './components/audit/ViewTabs.js';
import { BundleOpen } from './components/BundleOpen.js';
import { HistoryNav, HistoryPanels } from './components/history/HistoryPanels.js';
import { Results } from './components/Results.js';
import { RingTest } from './components/ring/RingTest.js';
import { RunStep } from './components/RunStep.js';
import { KeepChecking } from './components/watch/KeepChecking.js';
import { useWatchBridge } from './components/watch/useWatchBridge.js';
import { useApp } from './store.js';
import { useRunBridge } from './useRunBridge.js';

export function App(): JSX.Element {
  useRunBridge();
  useWatchBridge();
  const panel = useApp((s) => s.historyPanel);
  const step = useApp((s) => s.step);
  const audit = useApp((s) => s.view === 'audit');
  return (
    <main>
      <header>
        <h1>SIP Ladder</h1>
        <p className="muted">Why won't my SIP phone register?</p>
      </header>
      <ViewTabs />
      {audit && <AuditTab />}
      {!audit && (
        <nav aria-label="Steps" className="steps">
          {(['account', 'run', 'results'] as const).map((s, i) => (
            <span key={s} aria-current={s === step ? 'step' : undefined}>
              {i + 1}. {s === 'account' ? 'Account' : s === 'run' ? 'Checking' : 'Results'}
            </span>
          ))}
        </nav>
      )}
      {!audit && <HistoryNav />}
      {!audit && panel && <HistoryPanels />}
      {!audit && !panel && step === 'account' && (
        <>
          <AccountStep />
          <KeepChecking />
          <RingTest />
          <BundleOpen />
        </>
      )}
      {!audit && !panel && step === 'run' && <RunStep />}
      {!audit && !panel && step === 'results' && <Results />}
    </main>
  );
}
