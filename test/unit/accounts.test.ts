import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AccountStore, type SecretBox } from '../../electron/app/accounts.js';
import { AccountInputSchema } from '../../shared/ipc/schemas.js';
import { parseWith } from '../../shared/model/result-type.js';

/** Stands in for Electron safeStorage: reversible, and visibly not the plain text. */
const box: SecretBox = {
  isEncryptionAvailable: () => true,
  encryptString: (s) => Buffer.from(`enc:${Buffer.from(s).toString('hex')}`),
  decryptString: (b) => Buffer.from(b.toString().slice(4), 'hex').toString(),
};
const account = { name: 'Office', server: 'sip.example.com', user: 'alice', transports: ['udp' as const, 'tls' as const] };
const SECRET = 'correct horse battery staple';

describe('saved accounts', () => {
  it('keep the password only as a keychain blob, never in plain text', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sl-acc-')), 'accounts.json');
    const store = new AccountStore(file, box);
    const saved = await store.save({ ...account, password: SECRET });
    expect(saved).toMatchObject({ name: 'Office', hasPassword: true });
    expect(readFileSync(file, 'utf8')).not.toContain(SECRET);
    expect(await store.passwordFor(saved.id, account)).toBe(SECRET);
    // Only for a check of that same account: never for another server, user, auth user or domain.
    for (const other of [{ server: 'evil.example' }, { user: 'bob' }, { authUser: 'alice2' }, { domain: 'other.example' }]) {
      expect(await store.passwordFor(saved.id, { ...account, ...other })).toBeNull();
    }
    // Saving again without a password keeps the stored one; listing never returns it.
    await store.save({ ...account, id: saved.id, name: 'Office 2' });
    expect(await store.list()).toEqual([{ ...account, id: saved.id, name: 'Office 2', hasPassword: true }]);
    expect(JSON.stringify(await store.list())).not.toContain('enc:');
    await store.remove(saved.id);
    expect(await store.list()).toEqual([]);
  });

  it('store no password at all without a keychain (browser mode)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sl-acc-')), 'accounts.json');
    const store = new AccountStore(file, null);
    const saved = await store.save({ ...account, password: SECRET });
    expect(saved.hasPassword).toBe(false);
    expect(readFileSync(file, 'utf8')).not.toContain(SECRET);
    expect(await store.passwordFor(saved.id, account)).toBeNull();
    expect(store.canStorePasswords).toBe(false);
  });

  it('start empty from a missing or corrupt file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sl-acc-'));
    expect(await new AccountStore(join(dir, 'none.json'), box).list()).toEqual([]);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'bad.json'), '{not json');
    expect(await new AccountStore(join(dir, 'bad.json'), box).list()).toEqual([]);
  });

  it.each([
    [{ ...account, name: '' }, 'name'],
    [{ ...account, server: 'bad host' }, 'server'],
    [{ ...account, transports: ['sctp'] }, 'transports'],
    [{ ...account, port: 0 }, 'port'],
    [{ ...account, id: '../x' }, 'id'],
    [{ ...account, name: 'a\u0000b' }, 'name'],
  ])('validate what crosses the process boundary %#', (input, what) => {
    const v = parseWith(AccountInputSchema, input);
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.error).toContain(what);
  });
});
