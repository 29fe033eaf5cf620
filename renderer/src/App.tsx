import type { JSX } from 'react';
import { AccountStep } from './components/AccountStep.js';
import { BundleOpen } from './components/BundleOpen.js';
import { Results } from './components/Results.js';
import { RingTest } from './components/ring/RingTest.js';
import { RunStep } from './components/RunStep.js';
import { useApp } from './store.js';
import { useRunBridge } from './useRunBridge.js';

export function App(): JSX.Element {
  useRunBridge();
  const step = useApp((s) => s.step);
  return (
    <main>
      <header><h1>SIP Ladder</h1><p className="muted">Why won't my SIP phone register?</p></header>
      <nav aria-label="Steps" className="steps">
        {(['account', 'run', 'results'] as const).map((s, i) => <span key={s} aria-current={s === step ? 'step' : undefined}>{i + 1}. {s === 'account' ? 'Account' : s === 'run' ? 'Checking' : 'Results'}</span>)}
      </nav>
      {step === 'account' && <><AccountStep /><RingTest /><BundleOpen /></>}
      {step === 'run' && <RunStep />}
      {step === 'results' && <Results />}
    </main>
  );
}
