import type { JSX } from 'react';
// Step 1: the account, validated as typed; or a demo against a local registrar.
import { useState } from 'react';
import type { DemoScenario } from '../../../shared/ipc/contract.js';
import { TRANSPORTS, type Transport } from '../../../shared/model/trace.js';
import { api } from '../api.js';
import { validateForm } from '../form.js';
import { useApp, type AccountForm } from '../store.js';
import { SavedAccounts } from './SavedAccounts.js';

const FIELDS: Array<{ key: keyof AccountForm; label: string; hint: string; type?: string }> = [
  { key: 'server', label: 'Server', hint: 'host name or IP, e.g. sip.example.com' },
  { key: 'port', label: 'Port', hint: 'optional; default from DNS, else 5060' },
  { key: 'user', label: 'User', hint: 'the part before @' },
  { key: 'authUser', label: 'Auth user', hint: 'optional, if the provider gave one' },
  { key: 'domain', label: 'Domain', hint: 'optional; default: the server' },
  { key: 'password', label: 'Password', hint: 'sent only as a digest, never stored in results', type: 'password' },
  { key: 'stun', label: 'STUN server', hint: 'optional, host[:port]: tests your NAT' },
];

export function AccountStep(): JSX.Element {
  const { form, setForm, set, error } = useApp();
  const [touched, setTouched] = useState<Record<string, boolean>>({});
  const { options, errors } = validateForm(form);

  const run = async (): Promise<void> => {
    setTouched(Object.fromEntries(FIELDS.map((f) => [f.key, true])));
    if (!options) return;
    try {
      const { runId } = await api.startCheck(options);
      set({ step: 'run', runId, startedAt: Date.now(), progress: [], result: null, diagnosis: null, error: null, selectedSeq: null });
    } catch (e) {
      set({ error: (e as Error).message });
    }
  };
  const demo = async (scenario: DemoScenario): Promise<void> => {
    const d = await api.startDemo(scenario);
    set({ demo: d });
    setForm({ server: d.server, port: String(d.ports.udp), user: d.user, password: d.password, authUser: '', domain: '', transports: ['udp', 'tcp'], fixedPort: String(d.blockedSourcePort) });
  };
  const toggle = (t: Transport): void => setForm({ transports: form.transports.includes(t) ? form.transports.filter((x) => x !== t) : [...form.transports, t] });

  return (
    <form className="card" onSubmit={(e) => { e.preventDefault(); void run(); }} aria-labelledby="account-title">
      <h2 id="account-title">Your SIP account</h2>
      <p className="muted">No account at hand? Try a demo against a registrar on this computer:{' '}
        <button type="button" data-testid="demo-healthy" onClick={() => void demo('healthy')}>Demo: healthy network</button>{' '}
        <button type="button" data-testid="demo-blocked" onClick={() => void demo('blocked-5060')}>Demo: ISP blocks port 5060</button>
      </p>
      <div className="grid">
        {FIELDS.map((f) => (
          <label key={f.key}>
            <span>{f.label}</span>
            <input data-testid={`account-${f.key}`} type={f.type ?? 'text'} value={form[f.key] as string} autoComplete="off"
              aria-invalid={!!(touched[f.key] && errors[f.key])} aria-describedby={`${f.key}-hint`}
              onChange={(e) => setForm({ [f.key]: e.target.value })} onBlur={() => setTouched({ ...touched, [f.key]: true })} />
            <small id={`${f.key}-hint`} className={touched[f.key] && errors[f.key] ? 'error' : 'muted'}>{touched[f.key] && errors[f.key] ? `⚠ ${errors[f.key]}` : f.hint}</small>
          </label>
        ))}
      </div>
      <fieldset>
        <legend>Transports</legend>
        {TRANSPORTS.map((t) => (
          <label key={t} className="inline"><input type="checkbox" data-testid={`transport-${t}`} checked={form.transports.includes(t)} onChange={() => toggle(t)} /> {t.toUpperCase()}</label>
        ))}
        {errors.transports && <small className="error">⚠ {errors.transports}</small>}
      </fieldset>
      <SavedAccounts />
      {error && <p className="error" role="alert" data-testid="run-error">⚠ {error}</p>}
      <button type="submit" className="primary" data-testid="run-button" disabled={!options}>Check registration</button>
    </form>
  );
}
