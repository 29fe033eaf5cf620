import type { JSX } from 'react';
// After a check that tried a WS/WSS server: the same registration from this browser (sip.js over
// the browser's WebSocket and TLS, renderer/src/webrtc), its progress, then the attempt in the
// table and on the ladder. Only a password typed for this run is used: a saved account's stays in
// the main process, so then the attempt is skipped and the panel says why.
import { useEffect, useRef, useState } from 'react';
import type { CheckOptions } from '../../../../shared/model/check-options.js';
import type { CheckResult } from '../../../../shared/model/results.js';
import { BROWSER_ATTEMPT_LABEL } from '../../../../shared/webrtc/browser-attempt.js';
import { browserTargetOrigins } from '../../../../shared/webrtc/targets.js';
import { useApp } from '../../store.js';
import { startBrowserRun, type BrowserRun } from '../../webrtc/browser-run.js';
import type { BrowserRegisterInput } from '../../webrtc/sipjs-register.js';

type PanelState =
  | { kind: 'none' }
  | { kind: 'no-password' }
  | { kind: 'waiting' | 'registering'; run: BrowserRun }
  | { kind: 'joined'; outcome: string; detail: string }
  | { kind: 'skipped' }
  | { kind: 'failed'; message: string };

/** What the page registers with, or why not: no WS/WSS target, or no typed password. */
function registrationFor(result: CheckResult | null, options: CheckOptions | null): BrowserRegisterInput | 'none' | 'no-password' {
  if (!result || !options || (result.origin !== undefined && result.origin !== 'check')) return 'none';
  const [target] = browserTargetOrigins(result);
  if (!target || result.attempts.some((a) => a.browser)) return 'none';
  if (!options.password) return 'no-password';
  return {
    url: `${target}${options.wsPath ?? '/'}`,
    user: options.user,
    domain: options.domain ?? options.server,
    password: options.password,
    ...(options.authUser ? { authUser: options.authUser } : {}),
  };
}

export function BrowserAttemptPanel(): JSX.Element | null {
  const runId = useApp((s) => s.lastRunId);
  const [state, setState] = useState<PanelState>({ kind: 'none' });
  const current = useRef<BrowserRun | null>(null);
  useEffect(() => {
    const s = useApp.getState();
    const input = registrationFor(s.result, s.lastOptions);
    if (!runId || input === 'none') return setState({ kind: 'none' });
    if (input === 'no-password') return setState({ kind: 'no-password' });
    const run = startBrowserRun(runId, input, () => setState({ kind: 'registering', run }));
    current.current = run;
    setState({ kind: 'waiting', run });
    void run.done.then((end) => {
      if (current.current !== run) return; // a run this panel has let go (another check, or React's double effect in development)
      if (end.kind === 'joined') {
        const attempt = end.result.attempts.find((a) => a.label === BROWSER_ATTEMPT_LABEL && a.browser);
        setState({ kind: 'joined', outcome: attempt?.outcome ?? 'unknown', detail: attempt?.detail ?? '' });
        // Only while these results are still the ones shown (not after "Check again").
        const now = useApp.getState();
        if (now.lastRunId === runId && now.step === 'results') now.runFinished(runId, end.result, end.diagnosis);
      } else setState(end);
    });
    // Leaving the results skips a registration that has not started; one under way finishes and removes its binding.
    return () => void run.skip();
  }, [runId]);
  if (state.kind === 'none') return null;
  return (
    <section className="webrtc-attempt" data-testid="webrtc-attempt" data-state={state.kind}>
      <h3>Registration from this browser (sip.js over WebSocket)</h3>
      {state.kind === 'no-password' && (
        <p>
          Skipped: no password was typed for this check (a saved account's password never reaches this page). Type the password to also test from a browser.
        </p>
      )}
      {state.kind === 'waiting' && <p>Preparing the same registration from this browser, as a WebRTC phone makes it…</p>}
      {state.kind === 'registering' && <p>Registering from this browser… (the binding is removed again)</p>}
      {(state.kind === 'waiting' || state.kind === 'registering') && (
        <button
          type="button"
          data-testid="webrtc-skip"
          disabled={state.kind === 'registering'}
          onClick={() => state.run.skip() && setState({ kind: 'skipped' })}
        >
          Skip
        </button>
      )}
      {state.kind === 'joined' && (
        <p data-testid="webrtc-outcome">
          Done: {state.outcome}
          {state.detail ? ` (${state.detail})` : ''}. It is the attempt “{BROWSER_ATTEMPT_LABEL}” in the table and on the ladder.
        </p>
      )}
      {state.kind === 'skipped' && <p>Skipped: nothing was sent from this browser.</p>}
      {state.kind === 'failed' && <p role="alert">The registration from this browser did not run: {state.message}</p>}
    </section>
  );
}
