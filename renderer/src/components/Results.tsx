import type { JSX } from 'react';
// Step 3: verdict and findings, attempts, the ladder (side by side with the raw messages), phone
// predictions, charts, texts to send, the bundle. The page reads the shown result only: selecting
// a message on the ladder does not render it.
import { useState } from 'react';
import type { AttemptResult } from '../../../shared/model/results.js';
import { api } from '../api.js';
import { useApp } from '../store.js';
import { AttemptsTable } from './AttemptsTable.js';
import { BundleExport } from './BundleExport.js';
import { DialogList } from './capture/DialogList.js';
import { CaptureCharts } from './capture/CaptureCharts.js';
import { Charts } from './Charts.js';
import { CopyAndSend } from './CopyAndSend.js';
import { Findings } from './Findings.js';
import { LadderSection } from './LadderSection.js';
import { ProfilePredictions } from './ProfilePredictions.js';
import { BrowserAttemptPanel } from './webrtc/BrowserAttemptPanel.js';

/** Default comparison: UDP from 5060 next to UDP from an ephemeral port (field story 000), else the first two. */
function defaultPair(attempts: AttemptResult[]): number[] {
  const fixed = attempts.find((a) => a.sourcePortMode === 'fixed-5060');
  const eph = attempts.find((a) => a.transport === 'udp' && a.sourcePortMode === 'ephemeral');
  return fixed && eph ? [fixed.id, eph.id] : attempts.slice(0, 2).map((a) => a.id);
}

/** Back to the form: a run whose path probes still go on is cancelled, so its end cannot pull the view back. */
function checkAgain(): void {
  const { runId, backToForm } = useApp.getState();
  if (runId) void api.cancelCheck(runId);
  backToForm();
}

export function Results(): JSX.Element | null {
  const result = useApp((s) => (s.diagnosis ? s.result : null));
  const [chosen, setChosen] = useState<number[] | null>(null);
  if (!result) return null;
  const shown = chosen ?? defaultPair(result.attempts);
  const toggle = (id: number): void => setChosen(shown.includes(id) ? shown.filter((x) => x !== id) : [...shown, id]);
  const capture = result.origin === 'capture';
  return (
    <>
      <Findings />
      {!capture && result.origin !== 'audit' && <BrowserAttemptPanel />}
      {capture ? <DialogList shown={shown} onSelect={(id) => setChosen([id])} /> : <AttemptsTable attempts={result.attempts} shown={shown} onToggle={toggle} />}
      <LadderSection shown={shown} />
      {!capture && result.origin !== 'audit' && <ProfilePredictions result={result} />}
      {capture ? <CaptureCharts /> : <Charts />}
      <CopyAndSend />
      <BundleExport />
      <button type="button" className="primary" data-testid="check-again" onClick={checkAgain}>
        Check again
      </button>
    </>
  );
}
