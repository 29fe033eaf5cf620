// `sipladder audit`: what the internet sees of the user's own SIP server (issue 13), as results a
// check's views understand (attempts, trace, ladder, bundle) plus the audit record the rules in
// shared/audit judge. Runs only with the operator's explicit confirmation, under the check's
// safety limits: the RateLimiter (slower still, see AUDIT_REQUESTS_PER_SECOND) and the AuthGate.
import { setMaxListeners } from 'node:events';
import type { AuditRecord } from '../../shared/audit/model.js';
import { DEFAULT_TLS_PORT, DEFAULT_UDP_PORT, OPERATOR_CONFIRMATION_MISSING, type AuditOptions } from '../../shared/audit/options.js';
import { toHex } from '../../shared/hash/utf8.js';
import { idSource } from '../../shared/sip/ids.js';
import { RESULTS_SCHEMA_VERSION, type CheckResult } from '../../shared/model/results.js';
import type { Transport } from '../../shared/model/trace.js';
import type { ProgressEvent } from '../../shared/model/progress.js';
import type { EngineDeps } from '../engine/deps.js';
import { dnsTraceEvent, resolveTargets, type Resolution, type Target } from '../engine/dns.js';
import { AuthGate, RateLimiter } from '../engine/safety.js';
import { TraceRecorder } from '../engine/trace-recorder.js';
import { TOOL_VERSION } from '../engine/version.js';
import { burstTest } from './burst.js';
import { enumerationTests, openRelayTest, scannerTest, tlsOptionsTest } from './probes.js';
import type { AuditRun } from './session.js';
import { tlsHandshakeTest } from './tls-handshakes.js';

/** The whole audit ends by then, whatever the server does (the burst included). */
export const AUDIT_DEADLINE_MS = 45_000;
/**
 * The pace of the audit's test requests outside the burst: half the engine's limit (which still
 * caps every packet), so its ordinary tests stay below a throttle such as Kamailio's pike and
 * only the (optional) burst measures throttling.
 */
export const AUDIT_REQUESTS_PER_SECOND = 4;

export interface AuditHooks {
  signal?: AbortSignal;
  onProgress?: (e: ProgressEvent) => void;
}

/** Random names that exist nowhere: a user no server has, and a number reserved for fiction (NANP 555-01xx). */
function randomNames(random: EngineDeps['random']): Pick<AuditRecord, 'randomUser' | 'externalNumber'> {
  const digits = random(1)[0]! % 100;
  return { randomUser: `nobody-${toHex(random(5))}`, externalNumber: `+120255501${String(digits).padStart(2, '0')}` };
}

/** Runs the audit; refuses (throws) unless the operator confirmed, whatever the caller validated. */
export async function runAudit(o: AuditOptions, deps: EngineDeps, hooks: AuditHooks = {}): Promise<CheckResult> {
  if (o.confirmedOperator !== true) throw new Error(`audit refused: ${OPERATOR_CONFIRMATION_MISSING}`);
  const t0 = deps.clock.now();
  const startedAt = new Date().toISOString();
  const trace = new TraceRecorder(deps.clock, t0);
  const stop = new AbortController();
  // Every flow of a burst round and every wait listens to it: more than Node's default ten.
  setMaxListeners(64, stop.signal);
  const onCancel = (): void => stop.abort(hooks.signal?.reason);
  hooks.signal?.addEventListener('abort', onCancel, { once: true });
  const cancelDeadline = deps.clock.setTimer(() => stop.abort(new Error('audit deadline')), AUDIT_DEADLINE_MS);
  const domain = o.domain ?? o.server;
  const record: AuditRecord = {
    confirmedOperator: true,
    ...(o.user !== undefined ? { existingUser: o.user } : {}),
    ...randomNames(deps.random),
    exchanges: [],
    tls: [],
    skipped: [],
  };
  const transports: Transport[] = o.tlsPort === 0 ? ['udp'] : ['udp', 'tls'];
  const ports = { udp: o.port ?? DEFAULT_UDP_PORT, ...(o.tlsPort === 0 ? {} : { tls: o.tlsPort ?? DEFAULT_TLS_PORT }) };
  const run: AuditRun = {
    deps,
    trace,
    rate: new RateLimiter(deps.clock),
    pace: new RateLimiter(deps.clock, AUDIT_REQUESTS_PER_SECOND),
    auth: new AuthGate(),
    signal: stop.signal,
    deadlineAt: t0 + AUDIT_DEADLINE_MS,
    ids: idSource(deps.random),
    domain,
    tlsVerify: o.tlsVerify ?? true,
    caPem: o.caPem,
    attempts: [],
    exchanges: record.exchanges,
    onStep: (text) => hooks.onProgress?.({ type: 'attempt-step', attempt: 0, text }),
  };
  try {
    const resolution = await resolveTargets({
      server: o.server,
      ports,
      transports,
      resolver: deps.resolver,
      now: deps.clock.now,
      onStep: (s) => {
        const event = dnsTraceEvent(s);
        trace.add(event);
        hooks.onProgress?.({ type: 'dns', text: event.note });
      },
    });
    await auditTests(run, resolution, record, o, hooks);
    return {
      schemaVersion: RESULTS_SCHEMA_VERSION,
      tool: { name: 'sipladder', version: TOOL_VERSION },
      origin: 'audit',
      startedAt,
      durationMs: Math.round(deps.clock.now() - t0),
      account: {
        server: o.server,
        domain,
        user: o.user ?? '',
        authUser: o.authUser ?? o.user ?? '',
        transports,
        ports,
        passwordGiven: o.password !== undefined,
      },
      dns: resolution.steps,
      attempts: run.attempts,
      authFailures: run.auth.failureCount,
      ...(hooks.signal?.aborted ? { incomplete: { reason: 'cancelled' as const, detail: 'audit cancelled by the user; tests not run are left out' } } : {}),
      trace: [...trace.events],
      audit: record,
    };
  } finally {
    cancelDeadline();
    hooks.signal?.removeEventListener('abort', onCancel);
  }
}

/** The tests in their order: SIP over UDP, TLS, scanner handling, the optional burst; each is skipped (saying why) without its target. */
async function auditTests(run: AuditRun, resolution: Resolution, record: AuditRecord, o: AuditOptions, hooks: AuditHooks): Promise<void> {
  const udp = resolution.targets.udp?.[0];
  if (udp) await sipTests(run, udp, record, o, hooks);
  else record.skipped.push({ test: 'unauthenticated', reason: `the server name did not resolve: ${resolution.errors.udp}` });
  const tls = resolution.targets.tls?.[0];
  if (tls && !run.signal.aborted) {
    await tlsOptionsTest(run, tls, record);
    await tlsHandshakeTest(run, tls, record);
  } else record.skipped.push({ test: 'transport', reason: o.tlsPort === 0 ? 'TLS skipped (--tls-port 0)' : 'no TLS target' });
  if (udp && !run.signal.aborted) await scannerTest(run, udp, record);
  if (udp && o.burst && !run.signal.aborted) await burstTest(run, udp, record);
  else if (!o.burst)
    record.skipped.push({ test: 'rate-limit', reason: 'the OPTIONS burst runs only with --burst (it may get this address banned for a while)' });
}

async function sipTests(run: AuditRun, udp: Target, record: AuditRecord, o: AuditOptions, hooks: AuditHooks): Promise<void> {
  const step = (probe: string, body: () => Promise<void>) => async (): Promise<void> => {
    if (run.signal.aborted) return;
    const t = run.deps.clock.now();
    hooks.onProgress?.({ type: 'probe-started', probe });
    await body();
    hooks.onProgress?.({ type: 'probe-finished', probe, outcome: run.signal.aborted ? 'cancelled' : 'done', durationMs: Math.round(run.deps.clock.now() - t) });
  };
  if (o.user === undefined) record.skipped.push({ test: 'enumeration', reason: 'no existing user given (--user): only a random user was tried' });
  if (o.password === undefined)
    record.skipped.push({ test: 'digest', reason: 'no password given: nonce replay not tested (only your own password is ever used)' });
  await step('user enumeration and requests without credentials', () => enumerationTests(run, udp, record, { authUser: o.authUser, password: o.password }))();
  await step('INVITE to an outside number', () => openRelayTest(run, udp, record))();
}
