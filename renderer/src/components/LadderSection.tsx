import type { JSX } from 'react';
// The ladder card: the drawing beside the raw message pane, and its text version. The ladder's
// columns are built once per shown result, findings and attempts (by value), and shared by both.
import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { asciiLadder } from '../../../shared/ladder/ascii.js';
import { ladderModel } from '../../../shared/ladder/model.js';
import { useApp } from '../store.js';
import { useCaptureMessages } from './capture/capture-messages.js';
import { LadderView } from './LadderView.js';
import { RawMessage } from './RawMessage.js';

export function LadderSection({ shown }: { shown: number[] }): JSX.Element | null {
  const { result, findings, capture } = useApp(useShallow((s) => ({ result: s.result, findings: s.diagnosis?.findings, capture: s.result?.origin === 'capture' })));
  const messages = useCaptureMessages(shown);
  const shownKey = shown.join(',');
  // `messages.loaded` counts the message bytes of a capture written into its trace in place: the
  // same result then draws more, so the columns are built again.
  const columns = useMemo(
    () => (result ? ladderModel(result, findings ?? [], shownKey ? shownKey.split(',').map(Number) : []) : []),
    [result, findings, shownKey, messages.loaded],
  );
  if (!result) return null;
  return (
    <section className="card">
      <h2>{capture ? 'Ladder' : 'Registration ladder'}</h2>
      {messages.error && <p className="error" role="alert">⚠ Could not load the messages of this dialog: {messages.error}</p>}
      <div className="ladder-pane">
        <LadderView columns={columns} />
        <RawMessage />
      </div>
      <details>
        <summary>Text version of the ladder</summary>
        <pre data-testid="ascii-ladder">{columns.map(asciiLadder).join('\n\n')}</pre>
      </details>
    </section>
  );
}
