// The ring test's outcome: the verdict, the findings, what the INVITE looked like, and the
// registration's ladder with the INVITE and our answers on it.
import type { JSX } from 'react';
import { useMemo } from 'react';
import type { Finding } from '../../../../shared/diagnosis/types.js';
import { ladderModel } from '../../../../shared/ladder/model.js';
import type { RingResult } from '../../../../shared/model/ring.js';
import { RESULTS_SCHEMA_VERSION, type CheckResult } from '../../../../shared/model/results.js';
import { LadderView } from '../LadderView.js';

/** The ring result in the shape the ladder reads (one attempt, the run's trace). */
function asCheckResult(r: RingResult): CheckResult {
  const a = r.attempt;
  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    tool: { name: 'sipladder', version: '' },
    startedAt: r.startedAt,
    durationMs: r.durationMs,
    account: { server: a.target.host, domain: a.target.host, user: '', authUser: '', transports: [r.transport], passwordGiven: true },
    dns: [],
    attempts: [a],
    authFailures: 0,
    trace: r.trace,
  };
}

const at = (e: { address: string; port: number }): string => `${e.address}:${e.port}`;

export function RingOutcome({ result, diagnosis }: { result: RingResult; diagnosis: { verdict: string; findings: Finding[] } }): JSX.Element {
  const columns = useMemo(() => ladderModel(asCheckResult(result), diagnosis.findings), [result, diagnosis]);
  const invite = result.invites[0];
  return (
    <div data-testid="ring-outcome" data-outcome={result.outcome}>
      <p className="verdict" data-testid="ring-verdict">
        <strong>{diagnosis.verdict}</strong>
      </p>
      <p className="muted">The test never accepts a call: it answered busy (486). Registration removed: {result.unregistered ? 'yes' : 'no'}.</p>
      {diagnosis.findings.map((f) => (
        <details key={f.id} className={`finding ${f.severity}`} data-testid={`ring-finding-${f.id}`} open={f.severity !== 'info'}>
          <summary>{f.title}</summary>
          <p>{f.explanation}</p>
          <p className="technical">{f.technical}</p>
          {f.fix.length > 0 && (
            <ul>
              {f.fix.map((x) => (
                <li key={x}>{x}</li>
              ))}
            </ul>
          )}
        </details>
      ))}
      {invite && (
        <dl className="ring-invite" data-testid="ring-invite">
          <dt>Arrived</dt>
          <dd>
            {(invite.afterRegistrationMs / 1000).toFixed(1)} s after registering, over {invite.transport.toUpperCase()}
          </dd>
          <dt>From</dt>
          <dd>
            {at(invite.from)}
            {invite.fromRegistrar ? ' (the registrar)' : ''}, caller {invite.caller}
          </dd>
          <dt>To</dt>
          <dd>
            {at(invite.local)}; Request-URI {invite.requestUri}
          </dd>
          {result.registration && (
            <>
              <dt>Registered</dt>
              <dd>
                {result.registration.contact}; the server saw {result.registration.received ?? '?'}:{result.registration.rport ?? '?'}
              </dd>
            </>
          )}
          {invite.sdpAddress && (
            <>
              <dt>Media (SDP)</dt>
              <dd>
                {invite.sdpAddress}:{invite.sdpPort}
              </dd>
            </>
          )}
        </dl>
      )}
      <LadderView columns={columns} />
    </div>
  );
}
