// Saved accounts: a JSON file of everything but the password; the password is kept only as an
// Electron safeStorage blob (encrypted with the OS keychain's key). Without safeStorage (browser
// mode, or no keychain) passwords are simply not saved.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { AccountInput, SavedAccount } from '../../shared/ipc/contract.js';
import type { CheckOptions } from '../../shared/model/check-options.js';

/** The slice of Electron's safeStorage used here. */
export interface SecretBox {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

/** At most this many saved accounts (the file stays small). */
export const MAX_ACCOUNTS = 100;

interface StoredAccount extends Omit<SavedAccount, 'hasPassword'> {
  passwordEncrypted?: string; // base64 of the safeStorage blob
}

function sameAccount(saved: StoredAccount, check: Pick<CheckOptions, 'server' | 'user' | 'authUser' | 'domain'>): boolean {
  return (
    saved.server === check.server &&
    saved.user === check.user &&
    (saved.authUser ?? '') === (check.authUser ?? '') &&
    (saved.domain ?? '') === (check.domain ?? '')
  );
}

export class AccountStore {
  constructor(
    private readonly file: string,
    private readonly box: SecretBox | null,
  ) {}

  get canStorePasswords(): boolean {
    return !!this.box?.isEncryptionAvailable();
  }

  private async read(): Promise<StoredAccount[]> {
    try {
      const data = JSON.parse(await readFile(this.file, 'utf8')) as { accounts?: StoredAccount[] };
      return Array.isArray(data.accounts) ? data.accounts : [];
    } catch {
      return []; // no file yet, or unreadable: start empty rather than fail the app
    }
  }

  private async write(accounts: StoredAccount[]): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify({ version: 1, accounts }, null, 2), { mode: 0o600 });
    await rename(tmp, this.file); // atomic: a crash never leaves half a file
  }

  private static view(a: StoredAccount): SavedAccount {
    const { passwordEncrypted, ...rest } = a;
    return { ...rest, hasPassword: !!passwordEncrypted };
  }

  async list(): Promise<SavedAccount[]> {
    return (await this.read()).map(AccountStore.view);
  }

  async save(input: AccountInput): Promise<SavedAccount> {
    const accounts = await this.read();
    const { password, ...fields } = input;
    const existing = fields.id ? accounts.find((a) => a.id === fields.id) : undefined;
    if (!existing && accounts.length >= MAX_ACCOUNTS) throw new Error(`at most ${MAX_ACCOUNTS} saved accounts`);
    const stored: StoredAccount = { ...fields, id: existing?.id ?? randomBytes(6).toString('hex') };
    if (password !== undefined && password !== '' && this.canStorePasswords) stored.passwordEncrypted = this.box!.encryptString(password).toString('base64');
    else if (existing?.passwordEncrypted && password === undefined) stored.passwordEncrypted = existing.passwordEncrypted;
    await this.write(existing ? accounts.map((a) => (a.id === existing.id ? stored : a)) : [...accounts, stored]);
    return AccountStore.view(stored);
  }

  async remove(id: string): Promise<void> {
    await this.write((await this.read()).filter((a) => a.id !== id));
  }

  /**
   * The decrypted password of a saved account, for a check of that same account only (server, user,
   * auth user and domain as saved), so an edited form never sends the saved password's digest to
   * another server; null otherwise, or when none is stored. Only the main process calls this.
   */
  async passwordFor(id: string, check: Pick<CheckOptions, 'server' | 'user' | 'authUser' | 'domain'>): Promise<string | null> {
    const a = (await this.read()).find((x) => x.id === id);
    if (!a?.passwordEncrypted || !this.canStorePasswords || !sameAccount(a, check)) return null;
    try {
      return this.box!.decryptString(Buffer.from(a.passwordEncrypted, 'base64'));
    } catch {
      return null; // keychain changed: the user types it again
    }
  }
}
