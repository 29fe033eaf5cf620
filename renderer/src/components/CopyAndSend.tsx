import type { JSX } from 'react';
// Ready-to-copy texts: what to tell the provider, what to tell the customer.
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { reportText } from '../../../shared/diagnosis/report.js';
import { useApp } from '../store.js';

export function CopyAndSend(): JSX.Element | null {
  const { result, diagnosis } = useApp(useShallow((s) => ({ result: s.result, diagnosis: s.diagnosis })));
  const [audience, setAudience] = useState<'provider' | 'customer'>('provider');
  if (!result || !diagnosis) return null;
  const text = reportText(result, diagnosis, audience);
  return (
    <section className="card">
      <h2>Copy and send</h2>
      <div role="tablist">
        <button type="button" role="tab" aria-selected={audience === 'provider'} onClick={() => setAudience('provider')}>
          What to tell your provider
        </button>
        <button type="button" role="tab" aria-selected={audience === 'customer'} onClick={() => setAudience('customer')}>
          What to tell your customer
        </button>
      </div>
      <textarea readOnly data-testid="report-text" value={text} rows={10} />
      <button type="button" onClick={() => void navigator.clipboard?.writeText(text)}>
        Copy
      </button>
    </section>
  );
}
