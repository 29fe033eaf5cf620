import type { JSX } from 'react';
// The audit's form and its confirmation dialog: nothing is sent before the user confirms, in the
// dialog, that they operate the server; the backend refuses an audit without that confirmation too.
import { useState } from 'react';
import { DEFAULT_TLS_PORT, DEFAULT_UDP_PORT, validateAuditOptions, type AuditOptions } from '../../../../shared/audit/options.js';
import { startAudit } from './start-audit.js';

interface Fields {
  server: string;
  port: string;
  tlsPort: string;
  user: string;
  password: string;
  burst: boolean;
}

const FIELDS: Array<{ key: Exclude<keyof Fields, 'burst'>; label: string; hint: string; type?: string }> = [
  { key: 'server', label: 'Your server', hint: 'host name or address of the SIP server you operate' },
  { key: 'port', label: 'UDP port', hint: `default ${DEFAULT_UDP_PORT}` },
  { key: 'tlsPort', label: 'TLS port', hint: `default ${DEFAULT_TLS_PORT}; 0 skips the TLS tests` },
  { key: 'user', label: 'An existing user (optional)', hint: 'compared with a random one: can scanners tell which users exist?' },
  { key: 'password', label: 'Its password (optional)', hint: 'only for the nonce replay test; no other password is ever tried', type: 'password' },
];

/** The form's fields as audit options, with the confirmation the dialog gives. */
function optionsOf(f: Fields): ReturnType<typeof validateAuditOptions> {
  const port = (s: string): number | undefined => (s.trim() === '' ? undefined : Number(s));
  return validateAuditOptions({
    confirmedOperator: true,
    server: f.server,
    port: port(f.port),
    tlsPort: port(f.tlsPort),
    user: f.user || undefined,
    password: f.password === '' ? undefined : f.password,
    burst: f.burst || undefined,
  });
}

function ConfirmDialog({ server, onConfirm, onClose }: { server: string; onConfirm(): void; onClose(): void }): JSX.Element {
  const [checked, setChecked] = useState(false);
  return (
    <div className="card dialog" role="dialog" aria-modal="true" aria-labelledby="audit-confirm-title" data-testid="audit-confirm-dialog">
      <h3 id="audit-confirm-title">Do you operate {server}?</h3>
      <p>
        The audit probes the server the way scanners do: requests with scanners' names, a random user, a call to an outside number (cancelled at once), your own
        login replayed. Run it only against a server you operate, or with its operator's permission.
      </p>
      <label className="inline">
        <input type="checkbox" data-testid="audit-confirm-check" checked={checked} onChange={(e) => setChecked(e.target.checked)} /> I operate this server
      </label>
      <p>
        <button type="button" className="primary" data-testid="audit-confirm" disabled={!checked} onClick={onConfirm}>
          Start the audit
        </button>{' '}
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </p>
    </div>
  );
}

export function AuditForm({ running }: { running: boolean }): JSX.Element {
  const [fields, setFields] = useState<Fields>({ server: '', port: '', tlsPort: '', user: '', password: '', burst: false });
  const [confirming, setConfirming] = useState<AuditOptions | null>(null);
  const checked = optionsOf(fields);
  const errors = !checked.ok && fields.server !== '' ? checked.errors : [];
  return (
    <form
      className="card"
      aria-labelledby="audit-title"
      onSubmit={(e) => {
        e.preventDefault();
        if (checked.ok) setConfirming(checked.value);
      }}
    >
      <h2 id="audit-title">Audit my server</h2>
      <p className="muted">
        What does the internet see of your own SIP server? A few requests per test, at most 4 per second, never more than two failed logins.
      </p>
      <div className="grid">
        {FIELDS.map((f) => (
          <label key={f.key}>
            {f.label}
            <input
              data-testid={`audit-${f.key}`}
              type={f.type ?? 'text'}
              autoComplete="off"
              value={fields[f.key]}
              onChange={(e) => setFields({ ...fields, [f.key]: e.target.value })}
            />
            <small className="muted">{f.hint}</small>
          </label>
        ))}
      </div>
      <label className="inline">
        <input type="checkbox" data-testid="audit-burst" checked={fields.burst} onChange={(e) => setFields({ ...fields, burst: e.target.checked })} /> Also test
        rate limiting (a burst of 24 requests)
      </label>
      {fields.burst && <p className="note">⚠ A server that throttles may ban this computer's address for a while after the burst.</p>}
      {errors.map((e) => (
        <p key={e} className="error">
          ⚠ {e}
        </p>
      ))}
      <button type="submit" className="primary" data-testid="audit-button" disabled={!checked.ok || running}>
        Audit my server
      </button>
      {confirming && (
        <ConfirmDialog
          server={confirming.server}
          onClose={() => setConfirming(null)}
          onConfirm={() => {
            void startAudit(confirming);
            setConfirming(null);
          }}
        />
      )}
    </form>
  );
}
