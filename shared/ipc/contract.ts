// The one contract between the UI and the engine, whichever carries it: Electron IPC (main,
// preload, renderer) or the browser mode's HTTP API. Every argument crossing a process boundary
// is validated here, on the receiving side.
import { validateCheckOptions, type CheckOptions } from '../model/check-options.js';
import type { ProgressEvent } from '../model/progress.js';
import type { CheckResult } from '../model/results.js';
import type { Diagnosis } from '../diagnosis/types.js';

export const CHANNELS = {
  startCheck: 'sipladder:start-check',
  cancelCheck: 'sipladder:cancel-check',
  startDemo: 'sipladder:start-demo',
  runEvent: 'sipladder:run-event',
} as const;

export type RunEvent =
  | { runId: string; type: 'progress'; event: ProgressEvent }
  | { runId: string; type: 'done'; result: CheckResult; diagnosis: Diagnosis }
  | { runId: string; type: 'failed'; message: string };

/** What the demo mode starts: a local registrar the UI can check. */
export interface DemoInfo {
  server: string;
  ports: { udp: number; tcp: number };
  user: string;
  password: string;
  /** Local port standing in for 5060 in the demo's "ISP drops port 5060" scenario. */
  blockedSourcePort: number;
}

/** The API the preload exposes on `window.sipladder`, and the browser mode mirrors over HTTP. */
export interface SipLadderApi {
  startCheck(options: CheckOptions): Promise<{ runId: string }>;
  cancelCheck(runId: string): Promise<void>;
  startDemo(scenario: DemoScenario): Promise<DemoInfo>;
  onRunEvent(listener: (e: RunEvent) => void): () => void;
}

export type DemoScenario = 'healthy' | 'blocked-5060';

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

export function checkStartCheck(arg: unknown): Checked<CheckOptions> {
  const v = validateCheckOptions(arg);
  return v.ok ? v : { ok: false, error: v.errors.join('; ') };
}

export function checkRunId(arg: unknown): Checked<string> {
  return typeof arg === 'string' && /^[0-9a-f]{16}$/.test(arg) ? { ok: true, value: arg } : { ok: false, error: 'runId must be 16 hex digits' };
}

export function checkDemoScenario(arg: unknown): Checked<DemoScenario> {
  return arg === 'healthy' || arg === 'blocked-5060' ? { ok: true, value: arg } : { ok: false, error: 'scenario must be "healthy" or "blocked-5060"' };
}
