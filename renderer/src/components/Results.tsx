import type { JSX } from 'react';
// Step 3: verdict and findings, attempts, the ladder (side by side), raw messages, charts, texts.
import { useState } from 'react';
import { reportText } from '../../../shared/diagnosis/report.js';
import { CLIENT_PROFILES } from '../../../shared/profiles/clients.js';
import { predictProfiles } from '../../../shared/profiles/predict.js';
import { asciiLadder } from '../../../shared/ladder/ascii.js';
import { ladderModel } from '../../../shared/ladder/model.js';
import type { AttemptResult } from '../../../shared/model/results.js';
import { api } from '../api.js';
import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../store.js';
import { BundleExport } from './BundleExport.js';
import { DialogList } from './capture/DialogList.js';
import { useCaptureMessages } from './capture/capture-messages.js';
import { Charts } from './Charts.js';
import { CaptureCharts } from './capture/CaptureCharts.js';
import { Findings } from './Findings.js';
import { LadderView } from './LadderView.js';
import { RawMessage } from './RawMessage.js';

/** Rows of the attempts table (an imported capture can hold tens of thousands of exchanges). */
const TABLE_ROWS = 200;

/** Default comparison: UDP from 5060 next to UDP from an ephemeral port (field story 000), else the first two. */
function defaultPair(attempts: AttemptResult[]): number[] {
  const fixed = attempts.find((a) => a.sourcePortMode === 'fixed-5060');
  const eph = attempts.find((a) => a.transport === 'udp' && a.sourcePortMode === 'ephemeral');
  return fixed && eph ? [fixed.id, eph.id] : attempts.slice(0, 2).map((a) => a.id);
}

export function Results(): JSX.Element | null {
  const { result, diagnosis, backToForm, runId } = useApp(useShallow((s) => ({ result: s.result, diagnosis: s.diagnosis, backToForm: s.backToForm, runId: s.runId })));
  const [shown, setShown] = useState<number[] | null>(null);
  const [audience, setAudience] = useState<'provider' | 'customer'>('provider');
  const ids = result ? shown ?? defaultPair(result.attempts) : [];
  const messages = useCaptureMessages(ids);
  if (!result || !diagnosis) return null;
  const toggle = (id: number): void => setShown(ids.includes(id) ? ids.filter((x) => x !== id) : [...ids, id]);
  const text = reportText(result, diagnosis, audience);
  // Back to the form: a run whose path probes still go on is cancelled, so its end cannot pull the view back.
  const checkAgain = (): void => {
    if (runId) void api.cancelCheck(runId);
    backToForm();
  };
  return (
    <>
      <Findings />
      {result.origin === 'capture' ? <DialogList shown={ids} onSelect={(id) => setShown([id])} /> : <section className="card">
        <h2>Attempts</h2>
        <table data-testid="attempts">
          <thead><tr><th>Show</th><th>Attempt</th><th>Local port</th><th>Outcome</th><th>Time</th><th>Seen by the server as</th></tr></thead>
          <tbody>{result.attempts.slice(0, TABLE_ROWS).map((a) => (
            <tr key={a.id} className={a.outcome === 'registered' ? 'ok' : a.outcome === 'aborted' ? 'cancelled' : 'bad'}>
              <td><input type="checkbox" aria-label={`Show ${a.label} in the ladder`} checked={ids.includes(a.id)} onChange={() => toggle(a.id)} /></td>
              <td>{a.label}</td><td>{a.localPort ?? '–'}</td>
              <td className="nowrap">{a.outcome === 'registered' ? '✔ ' : a.outcome === 'aborted' ? '⏹ ' : '✖ '}{a.outcome === 'aborted' ? 'cancelled' : a.outcome}{a.status ? ` ${a.status}` : ''}</td>
              <td className="nowrap">{(a.durationMs / 1000).toFixed(2)} s</td>
              <td>{a.via?.received ? `${a.via.received}:${a.via.rport ?? '?'}` : '–'}</td>
            </tr>
          ))}</tbody>
        </table>
        {result.attempts.length > TABLE_ROWS && <p className="muted">Showing the first {TABLE_ROWS} of {result.attempts.length} exchanges; the findings cover all of them.</p>}
      </section>}
      <section className="card">
        <h2>{result.origin === 'capture' ? 'Ladder' : 'Registration ladder'}</h2>
        {messages.error && <p className="error" role="alert">⚠ Could not load the messages of this dialog: {messages.error}</p>}
        <div className="ladder-pane">
          <LadderView key={messages.loaded} attempts={ids} />
          <RawMessage />
        </div>
        <details>
          <summary>Text version of the ladder</summary>
          <pre data-testid="ascii-ladder">{ladderModel(result, diagnosis.findings, ids).map(asciiLadder).join('\n\n')}</pre>
        </details>
      </section>
      {result.origin !== 'capture' && <section className="card" data-testid="profiles">
        <h2>Would these phones register here?</h2>
        <ul>{predictProfiles(result, CLIENT_PROFILES).map((p) => (
          <li key={p.profile}>
            <strong>{p.verdict === 'works' ? '✔ works' : p.verdict === 'fails' ? '✖ fails' : '? unknown'}</strong> — {p.name}: {p.because}
            {p.fix && <div>What to change: {p.fix}</div>}
            {p.warnings.map((w) => <div key={w}>⚠ {w}</div>)}
          </li>
        ))}</ul>
      </section>}
      {result.origin === 'capture' ? <CaptureCharts /> : <Charts />}
      <section className="card">
        <h2>Copy and send</h2>
        <div role="tablist">
          <button type="button" role="tab" aria-selected={audience === 'provider'} onClick={() => setAudience('provider')}>What to tell your provider</button>
          <button type="button" role="tab" aria-selected={audience === 'customer'} onClick={() => setAudience('customer')}>What to tell your customer</button>
        </div>
        <textarea readOnly data-testid="report-text" value={text} rows={10} />
        <button type="button" onClick={() => void navigator.clipboard?.writeText(text)}>Copy</button>
      </section>
      <BundleExport />
      <button type="button" className="primary" data-testid="check-again" onClick={checkAgain}>Check again</button>
    </>
  );
}
