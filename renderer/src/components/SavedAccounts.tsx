import type { JSX } from 'react';
// Saved accounts: pick one to fill the form, or save the current one. Passwords are kept only in
// the OS keychain (desktop app) and never come back to the page: the main process fills one in when
// a check of that account starts. The browser mode never stores them, and says so.
import { useEffect, useState } from 'react';
import type { SavedAccount } from '../../../shared/ipc/contract.js';
import { api } from '../api.js';
import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../store.js';

export function SavedAccounts(): JSX.Element {
  const { form, pickSavedAccount } = useApp(useShallow((s) => ({ form: s.form, pickSavedAccount: s.pickSavedAccount })));
  const [accounts, setAccounts] = useState<SavedAccount[]>([]);
  const [canStore, setCanStore] = useState(false);
  const [name, setName] = useState('');
  const [message, setMessage] = useState('');
  // The list is loaded once, and again after each save or delete (a new listing).
  const [listing, setListing] = useState(0);
  const refresh = (): void => setListing((n) => n + 1);
  useEffect(() => {
    let current = true;
    api.listAccounts().then(
      (r) => {
        if (!current) return;
        setAccounts(r.accounts);
        setCanStore(r.canStorePasswords);
      },
      () => undefined,
    );
    return () => void (current = false);
  }, [listing]);

  const use = (a: SavedAccount): void => {
    pickSavedAccount(a);
    setMessage(a.hasPassword ? 'The password stays in the system keychain; the app uses it when the check starts (a password typed here wins).' : '');
  };
  const save = async (): Promise<void> => {
    try {
      const port = form.port.trim() ? Number(form.port) : undefined;
      await api.saveAccount({
        name: name || form.server,
        server: form.server,
        port,
        user: form.user,
        authUser: form.authUser || undefined,
        domain: form.domain || undefined,
        transports: form.transports,
        password: canStore ? form.password : undefined,
      });
      setMessage(
        canStore ? 'Saved; the password is in the system keychain.' : 'Saved without the password (only the desktop app can keep it, in the system keychain).',
      );
      refresh();
    } catch (e) {
      setMessage(`Not saved: ${(e as Error).message}`);
    }
  };
  return (
    <fieldset className="saved" data-testid="saved-accounts">
      <legend>Saved accounts</legend>
      {accounts.length === 0 && <span className="muted">None yet. </span>}
      {accounts.map((a) => (
        <span key={a.id} className="saved-item">
          <button type="button" onClick={() => use(a)}>
            {a.name}
            {a.hasPassword ? ' 🔑' : ''}
          </button>
          <button type="button" className="link" aria-label={`Delete ${a.name}`} onClick={() => void api.deleteAccount(a.id).then(refresh)}>
            delete
          </button>
        </span>
      ))}
      <label className="inline">
        Name <input type="text" value={name} onChange={(e) => setName(e.target.value)} placeholder={form.server || 'account name'} />
      </label>
      <button type="button" data-testid="save-account" onClick={() => void save()} disabled={!form.server || !form.user}>
        Save this account
      </button>
      {message && (
        <p className="muted" role="status">
          {message}
        </p>
      )}
    </fieldset>
  );
}
