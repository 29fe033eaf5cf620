import type { JSX } from 'react';
// Under a finding of an imported capture: how many exchanges it is about, and a button that
// filters the dialog list to them.
import type { Finding } from '../../../../shared/diagnosis/types.js';
import { useApp } from '../../store.js';

export function ShowAffected({ finding }: { finding: Finding }): JSX.Element | null {
  const capture = useApp((s) => s.result?.origin === 'capture');
  const showAffected = useApp((s) => s.showAffected);
  if (!capture || !finding.attempts.length) return null;
  return (
    <p>
      <button type="button" data-testid={`show-affected-${finding.id}`} onClick={() => showAffected(finding.id)}>
        Show the {finding.attempts.length.toLocaleString('en-US')} affected {finding.attempts.length === 1 ? 'exchange' : 'exchanges'}
      </button>
    </p>
  );
}
