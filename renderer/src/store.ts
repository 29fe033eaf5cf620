// App state (zustand). Components read from here; useRunBridge is the one place engine events enter.
import { create } from 'zustand';
import type { Diagnosis } from '../../shared/diagnosis/types.js';
import type { DemoInfo } from '../../shared/ipc/contract.js';
import type { CheckOptions } from '../../shared/model/check-options.js';
import type { ProgressEvent } from '../../shared/model/progress.js';
import type { CheckResult } from '../../shared/model/results.js';
import type { Transport } from '../../shared/model/trace.js';
import { UNKNOWN_CLIENT } from '../../shared/profiles/advice.js';

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

/** A path probe of the running check, shown as pending until it ends. */
export interface ProbeStatus {
  probe: string;
  outcome?: string;
  durationMs?: number;
}

export interface AppState {
  step: 'account' | 'run' | 'results';
  form: AccountForm;
  /** The demo whose settings fill the form; they end with the demo (see endDemo). */
  demo: DemoInfo | null;
  runId: string | null;
  /** What the shown run checked, to run it again. */
  lastOptions: CheckOptions | null;
  /** The finished run shown in the results (for exporting a bundle); null for an opened bundle. */
  lastRunId: string | null;
  /** Set when the results come from a bundle file. */
  opened: { createdAt: string; appVersion: string; pseudonymised: boolean } | null;
  startedAt: number;
  progress: ProgressEvent[];
  /** Path probes of the shown run, in start order, while and after they run. */
  probes: ProbeStatus[];
  result: CheckResult | null;
  diagnosis: Diagnosis | null;
  error: string | null;
  selectedSeq: number | null;
  setForm(patch: Partial<AccountForm>): void;
  set(patch: Partial<AppState>): void;
}

export const EMPTY_FORM: AccountForm = { server: '', port: '', user: '', authUser: '', domain: '', password: '', transports: ['udp', 'tcp', 'tls'], stun: '', fixedPort: '5060', client: UNKNOWN_CLIENT };

/** Fields only a demo sets: after the demo, a real check must never inherit them (a free port instead of 5060, TLS off). */
const DEMO_ONLY: Array<keyof AccountForm> = ['fixedPort', 'transports'];

export const useApp = create<AppState>((set) => ({
  step: 'account', form: EMPTY_FORM, demo: null, runId: null, lastOptions: null, lastRunId: null, opened: null, startedAt: 0, progress: [], probes: [], result: null, diagnosis: null, error: null, selectedSeq: null,
  setForm: (patch) => set((s) => ({ form: { ...s.form, ...patch } })),
  set: (patch) => set(patch),
}));

/** Ends the demo: its account and its stand-in settings leave the form (the client choice stays). */
export function endDemo(keepAccount: boolean): void {
  const s = useApp.getState();
  if (!s.demo) return;
  const restored = Object.fromEntries(DEMO_ONLY.map((k) => [k, EMPTY_FORM[k]])) as Partial<AccountForm>;
  s.set({ demo: null, form: keepAccount ? { ...s.form, ...restored } : { ...EMPTY_FORM, client: s.form.client } });
}
