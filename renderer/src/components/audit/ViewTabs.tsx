import type { JSX } from 'react';
// The two things the app does: check a registration (the steps) or audit your own server.
import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../../store.js';

export function ViewTabs(): JSX.Element {
  const { view, showView } = useApp(useShallow((s) => ({ view: s.view, showView: s.showView })));
  return (
    <div role="tablist" aria-label="What to do" className="tabs">
      <button type="button" role="tab" aria-selected={view === 'check'} data-testid="tab-check" onClick={() => showView('check')}>
        Check registration
      </button>
      <button type="button" role="tab" aria-selected={view === 'audit'} data-testid="tab-audit" onClick={() => showView('audit')}>
        Audit my server
      </button>
    </div>
  );
}
