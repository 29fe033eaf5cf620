// Progress of a capture import (bytes, packets, SIP messages, exchanges so far) with Cancel, and
// what it has found so far: counts, the latest rejections and the dialogs as they appear. The import
// runs in the engine process in slices, so these events keep coming while it works.
import type { JSX } from 'react';
import { useEffect, useState } from 'react';
import type { CaptureProgress } from '../../../../shared/capture/import.js';
import { api } from '../../api.js';
import { ImportPreview } from './ImportPreview.js';
import { LiveDialogs } from './LiveDialogs.js';
import { applyLiveChanges, type LiveDialog } from '../../../../shared/capture/live-dialogs.js';
import { countOf } from '../../../../shared/capture/count-text.js';

export function ImportProgress(): JSX.Element {
  const [state, setState] = useState<{ runId: string; progress: CaptureProgress; dialogs: LiveDialog[] } | null>(null);
  useEffect(
    () =>
      api.onRunEvent((e) => {
        if (e.type !== 'capture-progress') return;
        setState((was) => {
          const rows = was?.runId === e.runId ? was.dialogs : [];
          return { runId: e.runId, progress: e.progress, dialogs: e.progress.dialogs ? applyLiveChanges(rows, e.progress.dialogs) : rows };
        });
      }),
    [],
  );
  const p = state?.progress;
  return (
    <>
      <div className="import-progress" role="status" data-testid="import-progress">
        {p?.totalBytes ? <progress max={p.totalBytes} value={p.bytes} /> : <progress />}
        <span>
          {p ? `${countOf(p.packets, 'packet')}, ${countOf(p.messages, 'SIP message')}, ${countOf(p.exchanges, 'exchange')} so far` : 'Reading the capture…'}
        </span>
        <button type="button" disabled={!state} data-testid="import-cancel" onClick={() => state && void api.cancelCheck(state.runId)}>
          Cancel
        </button>
      </div>
      {/* Outside the status region: a screen reader announces the progress line, not a table changing ten times a second. */}
      {p?.preview && <ImportPreview preview={p.preview} />}
      {state && <LiveDialogs rows={state.dialogs} />}
    </>
  );
}
