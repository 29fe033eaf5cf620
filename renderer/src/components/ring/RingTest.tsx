// "Ring test" on the first screen: register the account, ask the user to call it, wait with a
// countdown and Cancel (which still unregisters), then the outcome. The call is never accepted.
import type { JSX } from 'react';
import { useEffect, useReducer, useState } from 'react';
import { DEFAULT_RING_WAIT_S, MAX_RING_WAIT_S } from '../../../../shared/model/ring.js';
import type { Transport } from '../../../../shared/model/trace.js';
import { api } from '../../api.js';
import { validateForm } from '../../form.js';
import { useApp } from '../../store.js';
import { IDLE, ringReducer, type RingState } from './ring-state.js';
import { RingOutcome } from './RingOutcome.js';

/** One row of controls (the app's form styles stretch inputs to the full width). */
const CONTROLS = { display: 'flex', gap: '0.75rem', alignItems: 'center', flexWrap: 'wrap' } as const;
const INLINE = { width: 'auto', display: 'inline-block' } as const;

/** Transports a ring test can keep open (WebSocket registrations are the browser phones' business). */
const RING_TRANSPORTS: Transport[] = ['udp', 'tcp', 'tls'];

/** Seconds left of the wait, updated every second while waiting. */
function useCountdown(s: RingState): number | undefined {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    if (s.phase !== 'waiting') return undefined;
    const t = setInterval(() => setNow(performance.now()), 1000);
    return () => clearInterval(t);
  }, [s.phase]);
  if (s.phase !== 'waiting' || s.waitingSince === undefined || s.waitS === undefined) return undefined;
  return Math.max(0, Math.ceil(s.waitS - (now - s.waitingSince) / 1000));
}

function Waiting({ s }: { s: RingState }): JSX.Element {
  const left = useCountdown(s);
  return (
    <div aria-live="polite">
      <p className="verdict" data-testid="ring-instructions">
        <strong>Call {s.aor} now from another phone.</strong>
      </p>
      <p>
        Waiting <span data-testid="ring-countdown">{left ?? s.waitS}</span> s more. The call will ring, then get a busy signal: this test never answers a call.
      </p>
      <p className="muted">
        Registered as <code data-testid="ring-contact">{s.contact}</code>
      </p>
      {s.invite && <p data-testid="ring-invite-arrived">The call arrived; answering busy…</p>}
    </div>
  );
}

export function RingTest(): JSX.Element {
  const form = useApp((s) => s.form);
  const [s, dispatch] = useReducer(ringReducer, IDLE);
  const [transport, setTransport] = useState<Transport>('udp');
  const [waitS, setWaitS] = useState(DEFAULT_RING_WAIT_S);
  useEffect(() => api.onRingEvent((event) => dispatch({ type: 'event', event, at: performance.now() })), []);
  const { options, errors } = validateForm(form);
  const busy = s.phase === 'registering' || s.phase === 'waiting';
  const start = (): void => {
    if (!options) return;
    dispatch({ type: 'starting' });
    api.startRing({ ...options, transports: [transport] }, waitS).then(
      ({ runId }) => dispatch({ type: 'started', runId }),
      (e: Error) => dispatch({ type: 'start-failed', message: e.message }),
    );
  };
  return (
    <section className="card" aria-labelledby="ring-title" data-testid="ring-test">
      <h2 id="ring-title">Ring test: do incoming calls arrive?</h2>
      {!busy && (
        <div style={CONTROLS}>
          <label>
            Over{' '}
            <select style={INLINE} data-testid="ring-transport" value={transport} onChange={(e) => setTransport(e.target.value as Transport)}>
              {RING_TRANSPORTS.map((t) => (
                <option key={t} value={t}>
                  {t.toUpperCase()}
                </option>
              ))}
            </select>
          </label>
          <label>
            wait up to{' '}
            <input
              style={{ ...INLINE, maxWidth: '6em' }}
              type="number"
              data-testid="ring-wait"
              min={1}
              max={MAX_RING_WAIT_S}
              value={waitS}
              onChange={(e) => setWaitS(Math.min(MAX_RING_WAIT_S, Math.max(1, Number(e.target.value) || 1)))}
            />{' '}
            s
          </label>
          <button type="button" data-testid="ring-start" disabled={!options} title={Object.values(errors)[0]} onClick={start}>
            Start ring test
          </button>
        </div>
      )}
      {s.phase === 'registering' && (
        <p aria-live="polite" data-testid="ring-registering">
          Registering… <span className="muted">{s.steps.at(-1)}</span>
        </p>
      )}
      {s.phase === 'waiting' && <Waiting s={s} />}
      {busy && (
        <button type="button" data-testid="ring-cancel" onClick={() => s.runId && void api.cancelRing(s.runId)}>
          Cancel (and unregister)
        </button>
      )}
      {s.phase === 'failed' && (
        <p role="alert" data-testid="ring-error">
          {s.error}
        </p>
      )}
      {s.phase === 'done' && s.result && s.diagnosis && <RingOutcome result={s.result} diagnosis={s.diagnosis} />}
    </section>
  );
}
