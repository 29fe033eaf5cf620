import type { JSX } from 'react';
// Open a bundle a customer sent: pick the file or drop it here. The file is untrusted: the engine
// side checks it (size, entries, names, schema, version) before anything is shown.
import { useState } from 'react';
import { api } from '../api.js';
import { captureTooLarge } from '../../../shared/ipc/contract.js';
import { useApp } from '../store.js';
import { ImportProgress } from './capture/ImportProgress.js';

function toBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ''));
    r.onerror = () => reject(r.error ?? new Error('cannot read the file'));
    r.readAsDataURL(file);
  });
}

export function BundleOpen(): JSX.Element {
  const openResults = useApp((s) => s.openResults);
  const [error, setError] = useState('');
  const [over, setOver] = useState(false);
  const [importing, setImporting] = useState(false);
  const open = async (file: File | undefined): Promise<void> => {
    if (!file || importing) return; // one import at a time: a second one's results would be replaced by the first's
    setError('');
    const bundle = /\.sipladder$/i.test(file.name);
    const tooLarge = bundle ? null : captureTooLarge(file.name, file.size);
    if (tooLarge) return setError(tooLarge);
    try {
      setImporting(!bundle);
      const b = bundle ? await api.openBundle(await toBase64(file)) : await api.importCapture(file, file.name);
      openResults(b);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setImporting(false);
    }
  };
  return (
    <section
      className={`card drop${over ? ' over' : ''}`}
      data-testid="bundle-open"
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        void open(e.dataTransfer.files[0]);
      }}
    >
      <h2>Open a diagnostic bundle or a capture</h2>
      <label>
        Drop a .sipladder bundle, a pcap/pcapng capture or ngrep text here, or choose one:{' '}
        <input
          type="file"
          accept=".sipladder,.pcap,.pcapng,.cap,.txt"
          data-testid="open-bundle-input"
          disabled={importing}
          onChange={(e) => {
            const file = e.target.files?.[0];
            // Emptied, so choosing the same file again (after a Cancel or an error) is a new choice.
            e.target.value = '';
            void open(file);
          }}
        />
      </label>
      {importing && <ImportProgress />}
      {error && (
        <p className="error" role="alert" data-testid="open-bundle-error">
          ⚠ {error}
        </p>
      )}
    </section>
  );
}
