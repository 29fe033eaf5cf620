import type { JSX } from 'react';
// Export a diagnostic bundle: choose what to pseudonymise, see exactly what gets replaced, save.
import { useState } from 'react';
import type { ExportedBundle } from '../../../shared/ipc/contract.js';
import { countText } from '../../../shared/capture/count-text.js';
import { MAX_HISTORY_IMPORT_EVENTS } from '../../../shared/history/types.js';
import { api } from '../api.js';
import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../store.js';

export function download(b: ExportedBundle): void {
  const bytes = Uint8Array.from(atob(b.base64), (c) => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/zip' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = b.fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function BundleNote({ text }: { text: string }): JSX.Element {
  return (
    <section className="card" data-testid="bundle-export">
      <h2>Diagnostic bundle</h2>
      <p className="muted">{text}</p>
    </section>
  );
}

/** What the prepared bundle replaces (so the user sees exactly what leaves the machine), and Save. */
function PreparedBundle({ prepared }: { prepared: ExportedBundle }): JSX.Element {
  return (
    <div data-testid="bundle-preview">
      {prepared.replacements.length === 0 ? (
        <p>Nothing is replaced: the bundle shows names and addresses as they are.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Kind</th>
              <th>In the bundle</th>
              <th>Instead of</th>
            </tr>
          </thead>
          <tbody>
            {prepared.replacements.map((r) => (
              <tr key={r.original}>
                <td>{r.kind}</td>
                <td>{r.pseudonym}</td>
                <td>{r.original}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <button type="button" className="primary" data-testid="bundle-save" onClick={() => download(prepared)}>
        Save {prepared.fileName}
      </button>
    </div>
  );
}

export function BundleExport(): JSX.Element {
  const { lastRunId, opened, result } = useApp(useShallow((s) => ({ lastRunId: s.lastRunId, opened: s.opened, result: s.result })));
  const [options, setOptions] = useState({ users: false, domains: false, addresses: false });
  const [prepared, setPrepared] = useState<ExportedBundle | null>(null);
  const [error, setError] = useState('');
  // An imported capture has an import id (lastRunId) and is saved like a finished check, a run
  // reopened from the history by its history row; an opened bundle is already one.
  const historyId = opened?.historyId;
  const tooLargeForHistory = !opened && result?.origin === 'capture' && result.trace.length > MAX_HISTORY_IMPORT_EVENTS;
  if (opened && historyId === undefined)
    return (
      <BundleNote
        text={`These results were opened from a bundle made by SIP Ladder ${opened.appVersion} on ${opened.createdAt}${opened.pseudonymised ? ' (pseudonymised)' : ''}.`}
      />
    );
  if (!lastRunId && historyId === undefined) return <BundleNote text="The bundle can be saved when the check has ended." />;
  const prepare = async (): Promise<void> => {
    setError('');
    try {
      const any = options.users || options.domains || options.addresses;
      const pseudonymise = any ? options : null;
      setPrepared(historyId === undefined ? await api.exportBundle(lastRunId!, pseudonymise) : await api.historyExport(historyId, pseudonymise));
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <section className="card" data-testid="bundle-export">
      <h2>Diagnostic bundle for a support ticket</h2>
      <p className="muted">
        One file with the results, the findings, the capture (pcapng for Wireshark), the ladder and a report. Passwords are never in it; digest responses are
        masked.
      </p>
      {opened && <p data-testid="bundle-history-note">These results were reopened from the history (kept on {opened.createdAt}).</p>}
      {tooLargeForHistory && (
        <p data-testid="bundle-not-in-history">
          This capture is too large for the history (over {countText(MAX_HISTORY_IMPORT_EVENTS)} messages): save it as a bundle to open it again later.
        </p>
      )}
      <fieldset>
        <legend>Replace, consistently everywhere</legend>
        {(['users', 'domains', 'addresses'] as const).map((k) => (
          <label key={k} className="inline">
            <input
              type="checkbox"
              data-testid={`pseudonymise-${k}`}
              checked={options[k]}
              onChange={() => {
                setOptions({ ...options, [k]: !options[k] });
                setPrepared(null);
              }}
            />{' '}
            {k === 'users' ? 'user names and phone numbers' : k === 'domains' ? 'domains' : 'IP addresses'}
          </label>
        ))}
      </fieldset>
      <button type="button" data-testid="bundle-prepare" onClick={() => void prepare()}>
        Prepare bundle
      </button>
      {error && (
        <p className="error" role="alert">
          ⚠ {error}
        </p>
      )}
      {prepared && <PreparedBundle prepared={prepared} />}
    </section>
  );
}
