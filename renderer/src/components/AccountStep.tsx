import type { JSX } from 'react';
// Step 1: the account, validated as typed; or a demo against a local registrar.
import { useState } from 'react';
import type { DemoScenario } from '../../../shared/ipc/contract.js';
import { TRANSPORTS, type Transport } from '../../../shared/model/trace.js';
import { UNKNOWN_CLIENT } from '../../../shared/profiles/advice.js';
import { CLIENT_PROFILES } from '../../../shared/profiles/clients.js';
import { api } from '../api.js';
import { validateForm } from '../form.js';
import { startRun } from '../run.js';
import { useShallow } from 'zustand/react/shallow';
import { useApp, type AccountForm } from '../store.js';
import { SavedAccounts } from './SavedAccounts.js';

type TextField = Exclude<keyof AccountForm, 'transports' | 'client'>;

const FIELDS: Array<{ key: TextField; label: string; hint: string; type?: string }> = [
  { key: 'server', label: 'Server', hint: 'host name or IP, e.g. sip.example.com (alice@host and host:5080 work too)' },
  { key: 'port', label: 'Port', hint: 'optional; default from DNS, else 5060' },
  { key: 'user', label: 'User', hint: 'the part before @' },
  { key: 'authUser', label: 'Auth user', hint: 'optional, if the provider gave one' },
  { key: 'domain', label: 'Domain', hint: 'optional; default: the server' },
  { key: 'password', label: 'Password', hint: 'sent only as a digest, never stored in results', type: 'password' },
  { key: 'stun', label: 'STUN server', hint: 'optional, host[:port]: tests your NAT' },
  { key: 'fixedPort', label: 'Fixed local port', hint: 'like Jitsi: 5060 — one UDP attempt is sent from this port' },
];

/** Typing a real account ends a demo: its stand-in settings must not reach a real check. */
const ACCOUNT_FIELDS = new Set<TextField>(['server', 'port', 'user', 'authUser', 'domain', 'password']);

/** A demo against the local registrar, and while one runs, what its stand-in settings are. */
function DemoChoice(): JSX.Element {
  const { demoStarted, demo } = useApp(useShallow((s) => ({ demoStarted: s.demoStarted, demo: s.demo })));
  const startDemo = async (scenario: DemoScenario): Promise<void> => {
    demoStarted(await api.startDemo(scenario));
  };
  return (
    <>
      <p className="muted">
        No account at hand? Try a demo against a registrar on this computer:{' '}
        <button type="button" data-testid="demo-healthy" onClick={() => void startDemo('healthy')}>
          Demo: healthy network
        </button>{' '}
        <button type="button" data-testid="demo-blocked" onClick={() => void startDemo('blocked-5060')}>
          Demo: ISP blocks port 5060
        </button>
      </p>
      {demo && (
        <p className="note" data-testid="demo-note">
          Demo: the fixed local port {demo.blockedSourcePort} stands in for 5060 (a demo must not take this computer's port 5060), and TLS is off. These
          settings end with the demo.
        </p>
      )}
    </>
  );
}

/** One text field of the account with its hint, or its problem once the user has left it. */
function AccountField(p: {
  field: (typeof FIELDS)[number];
  value: string | undefined;
  problem: string | undefined;
  onEdit(value: string): void;
  onLeave(): void;
}): JSX.Element {
  const { key, label, hint, type } = p.field;
  return (
    <label>
      <span>{label}</span>
      <input
        data-testid={`account-${key}`}
        type={type ?? 'text'}
        value={p.value}
        autoComplete="off"
        aria-invalid={!!p.problem}
        aria-describedby={`${key}-hint`}
        onChange={(e) => p.onEdit(e.target.value)}
        onBlur={p.onLeave}
      />
      <small id={`${key}-hint`} className={p.problem ? 'error' : 'muted'}>
        {p.problem ? `⚠ ${p.problem}` : hint}
      </small>
    </label>
  );
}

function ClientChoice({ value, onChoose }: { value: string; onChoose(client: string): void }): JSX.Element {
  return (
    <label>
      <span>Your SIP client</span>
      <select data-testid="account-client" value={value} onChange={(e) => onChoose(e.target.value)} aria-describedby="client-hint">
        <option value={UNKNOWN_CLIENT}>I don't know</option>
        {CLIENT_PROFILES.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </select>
      <small id="client-hint" className="muted">
        the advice under the verdict names its settings
      </small>
    </label>
  );
}

function TransportChoice({ chosen, problem, onToggle }: { chosen: Transport[]; problem: string | undefined; onToggle(t: Transport): void }): JSX.Element {
  return (
    <fieldset>
      <legend>Transports</legend>
      {TRANSPORTS.map((t) => (
        <label key={t} className="inline">
          <input type="checkbox" data-testid={`transport-${t}`} checked={chosen.includes(t)} onChange={() => onToggle(t)} /> {t.toUpperCase()}
        </label>
      ))}
      {problem && <small className="error">⚠ {problem}</small>}
    </fieldset>
  );
}

export function AccountStep(): JSX.Element {
  const { form, setForm, splitPastedAddresses, endDemo, error, demo } = useApp(
    useShallow((s) => ({
      form: s.form,
      setForm: s.setForm,
      splitPastedAddresses: s.splitPastedAddresses,
      endDemo: s.endDemo,
      error: s.error,
      demo: s.demo,
    })),
  );
  const [touched, setTouched] = useState<Record<string, boolean>>({});
  const { options, errors } = validateForm(form);

  const run = async (): Promise<void> => {
    setTouched(Object.fromEntries(FIELDS.map((f) => [f.key, true])));
    if (options) await startRun(options);
  };
  const edit = (key: TextField, value: string): void => {
    if (demo && ACCOUNT_FIELDS.has(key)) endDemo(true);
    setForm({ [key]: value });
  };
  const toggle = (t: Transport): void =>
    setForm({ transports: form.transports.includes(t) ? form.transports.filter((x) => x !== t) : [...form.transports, t] });

  return (
    <form
      className="card"
      onSubmit={(e) => {
        e.preventDefault();
        void run();
      }}
      aria-labelledby="account-title"
    >
      <h2 id="account-title">Your SIP account</h2>
      <DemoChoice />
      <div className="grid">
        {FIELDS.map((f) => (
          <AccountField
            key={f.key}
            field={f}
            value={form[f.key]}
            problem={touched[f.key] ? errors[f.key] : undefined}
            onEdit={(value) => edit(f.key, value)}
            onLeave={() => {
              setTouched({ ...touched, [f.key]: true });
              splitPastedAddresses();
            }}
          />
        ))}
        <ClientChoice value={form.client} onChoose={(client) => setForm({ client })} />
      </div>
      <TransportChoice chosen={form.transports} problem={errors.transports} onToggle={toggle} />
      <SavedAccounts />
      {error && (
        <p className="error" role="alert" data-testid="run-error">
          ⚠ {error}
        </p>
      )}
      {errors.form && Object.keys(touched).length > 0 && <p className="error">⚠ {errors.form}</p>}
      <button type="submit" className="primary" data-testid="run-button" disabled={!options}>
        Check registration
      </button>
    </form>
  );
}
