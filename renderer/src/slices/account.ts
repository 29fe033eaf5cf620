// Account slice: the form being filled in and the demo whose stand-in settings it may hold.
import type { DemoInfo, SavedAccount } from '../../../shared/ipc/contract.js';
import type { Transport } from '../../../shared/model/trace.js';
import { UNKNOWN_CLIENT } from '../../../shared/profiles/advice.js';
import { normaliseForm } from '../form.js';
import type { SliceCreator } from '../store.js';

export interface AccountForm {
  server: string;
  port: string;
  user: string;
  authUser: string;
  domain: string;
  password: string;
  transports: Transport[];
  stun: string;
  /** Local port of the "fixed" attempt: 5060 like Jitsi; the demo puts a free port standing in for it. */
  fixedPort: string;
  /** The SIP client the user has (a CLIENT_PROFILES id, or "unknown"): the advice under the verdict speaks its settings. */
  client: string;
  /** The saved account picked, whose keychain password the main process fills in when the check starts (never sent here). */
  savedAccountId?: string;
}

export interface AccountSlice {
  form: AccountForm;
  /** The demo whose settings fill the form; they end with the demo (see endDemo). */
  demo: DemoInfo | null;
  setForm(patch: Partial<AccountForm>): void;
  /** A field was left: pasted addresses (sip:alice@host:5080) are split into their fields. */
  splitPastedAddresses(): void;
  /** A demo registrar started: its account and stand-in settings fill the form. */
  demoStarted(demo: DemoInfo): void;
  /** Ends the demo: its account and its stand-in settings leave the form (the client choice stays). */
  endDemo(keepAccount: boolean): void;
  /** A saved account fills the form; its keychain password stays in the main process. */
  pickSavedAccount(account: SavedAccount): void;
}

export const EMPTY_FORM: AccountForm = {
  server: '',
  port: '',
  user: '',
  authUser: '',
  domain: '',
  password: '',
  transports: ['udp', 'tcp', 'tls'],
  stun: '',
  fixedPort: '5060',
  client: UNKNOWN_CLIENT,
};

/** Fields only a demo sets: after the demo, a real check must never inherit them (a free port instead of 5060, TLS off). */
const DEMO_ONLY: Array<keyof AccountForm> = ['fixedPort', 'transports'];

export const createAccountSlice: SliceCreator<AccountSlice> = (set, get) => ({
  form: EMPTY_FORM,
  demo: null,
  setForm: (patch) => set((s) => ({ form: { ...s.form, ...patch } })),
  splitPastedAddresses: () => set((s) => ({ form: normaliseForm(s.form) })),
  demoStarted: (d) =>
    set((s) => ({
      demo: d,
      error: null,
      form: {
        ...s.form,
        server: d.server,
        port: String(d.ports.udp),
        user: d.user,
        password: d.password,
        authUser: '',
        domain: '',
        transports: ['udp', 'tcp'],
        fixedPort: String(d.blockedSourcePort),
      },
    })),
  endDemo: (keepAccount) => {
    const s = get();
    if (!s.demo) return;
    const restored = Object.fromEntries(DEMO_ONLY.map((k) => [k, EMPTY_FORM[k]])) as Partial<AccountForm>;
    set({ demo: null, form: keepAccount ? { ...s.form, ...restored } : { ...EMPTY_FORM, client: s.form.client } });
  },
  pickSavedAccount: (a) => {
    get().endDemo(true);
    get().setForm({
      server: a.server,
      port: a.port ? String(a.port) : '',
      user: a.user,
      authUser: a.authUser ?? '',
      domain: a.domain ?? '',
      transports: a.transports,
      password: '',
      savedAccountId: a.hasPassword ? a.id : undefined,
    });
  },
});
