import type { JSX } from 'react';
// The ladder card: the drawing beside the raw message pane, and its text version. The ladder's
// columns are built once per shown result, findings and attempts (by value), and shared by both.
import { useEffect, useMemo, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { asciiLadder } from '../../../shared/ladder/ascii.js';
import { ladderModel } from '../../../shared/ladder/model.js';
import { useApp } from '../store.js';
import { useCaptureMessages } from './capture/capture-messages.js';
import { LadderView } from './LadderView.js';
import { RawMessage } from './RawMessage.js';

export function LadderSection({ shown }: { shown: number[] }): JSX.Element {
  const capture = useApp((s) => s.result?.origin === 'capture');
  const messages = useCaptureMessages(shown);
  const card = useRef<HTMLElement>(null);
  const reveal = useApp((s) => s.revealRequest);
  // A message chosen elsewhere (evidence link, dialog list): the least scrolling that shows the
  // ladder, then its raw message (beside the ladder on wide windows, below it on narrow ones).
  useEffect(() => {
    if (!reveal) return;
    card.current?.scrollIntoView({ block: 'start' });
    card.current?.querySelector('[data-testid="raw-message"]')?.scrollIntoView({ block: 'nearest' });
  }, [reveal]);
  return (
    <section className="card" ref={card} data-testid="ladder-card">
      <h2>{capture ? 'Ladder' : 'Registration ladder'}</h2>
      {messages.error && (
        <p className="error" role="alert">
          ⚠ Could not load the messages of this dialog: {messages.error}
        </p>
      )}
      {/* A capture's message bytes are written into its trace in place: each fetch that lands draws the ladder anew. */}
      <LadderDrawing key={messages.loaded} shownKey={shown.join(',')} />
    </section>
  );
}

/** `shownKey`: the shown attempts' ids joined by commas, so the columns follow their value, not an array's identity. */
function LadderDrawing({ shownKey }: { shownKey: string }): JSX.Element | null {
  const { result, findings } = useApp(useShallow((s) => ({ result: s.result, findings: s.diagnosis?.findings })));
  const columns = useMemo(
    () => (result ? ladderModel(result, findings ?? [], shownKey ? shownKey.split(',').map(Number) : []) : []),
    [result, findings, shownKey],
  );
  if (!result) return null;
  return (
    <>
      <div className="ladder-pane">
        <LadderView columns={columns} />
        <RawMessage />
      </div>
      <details>
        <summary>Text version of the ladder</summary>
        <pre data-testid="ascii-ladder">{columns.map(asciiLadder).join('\n\n')}</pre>
      </details>
    </>
  );
}
