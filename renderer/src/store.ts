// App state (zustand). Components read from here; useRunBridge is the one place engine events enter.
import { create } from 'zustand';
import type { Diagnosis } from '../../shared/diagnosis/types.js';
import type { DemoInfo } from '../../shared/ipc/contract.js';
import type { ProgressEvent } from '../../shared/model/progress.js';
import type { CheckResult } from '../../shared/model/results.js';
import type { Transport } from '../../shared/model/trace.js';

export interface AccountForm {
  server: string;
  port: string;
  user: string;
  authUser: string;
  domain: string;
  password: string;
  transports: Transport[];
  stun: string;
  /** Local port of the "fixed 5060" attempt (the demo uses a free port instead). */
  fixedPort: string;
}

export interface AppState {
  step: 'account' | 'run' | 'results';
  form: AccountForm;
  demo: DemoInfo | null;
  runId: string | null;
  /** The finished run shown in the results (for exporting a bundle); null for an opened bundle. */
  lastRunId: string | null;
  /** Set when the results come from a bundle file. */
  opened: { createdAt: string; appVersion: string; pseudonymised: boolean } | null;
  startedAt: number;
  progress: ProgressEvent[];
  result: CheckResult | null;
  diagnosis: Diagnosis | null;
  error: string | null;
  selectedSeq: number | null;
  setForm(patch: Partial<AccountForm>): void;
  set(patch: Partial<AppState>): void;
}

export const EMPTY_FORM: AccountForm = { server: '', port: '', user: '', authUser: '', domain: '', password: '', transports: ['udp', 'tcp', 'tls'], stun: '', fixedPort: '' };

export const useApp = create<AppState>((set) => ({
  step: 'account', form: EMPTY_FORM, demo: null, runId: null, lastRunId: null, opened: null, startedAt: 0, progress: [], result: null, diagnosis: null, error: null, selectedSeq: null,
  setForm: (patch) => set((s) => ({ form: { ...s.form, ...patch } })),
  set: (patch) => set(patch),
}));
