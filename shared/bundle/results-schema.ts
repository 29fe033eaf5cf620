// Valibot schema of CheckResult (shared/model/results.ts, trace.ts) and of a Diagnosis, used to
// check bundles completely before anything reaches a view. The type-level checks at the end fail
// the typecheck when the schema and the model types drift apart: a field added to the model must
// be added here too.
import * as v from 'valibot';
import type { Diagnosis } from '../diagnosis/types.js';
import type { CheckResult } from '../model/results.js';
import { TRANSPORTS } from '../model/trace.js';
import { count, EndpointSchema, int, PathProbesSchema, TargetSchema } from './path-results-schema.js';
import { AuditRecordSchema } from '../audit/schema.js';

const TransportSchema = v.picklist(TRANSPORTS);

export const TraceEventSchema = v.object({
  seq: count,
  t: v.number(),
  attempt: count,
  kind: v.picklist(['sent', 'received', 'socket', 'dns', 'timer', 'tls', 'stun']),
  transport: v.optional(TransportSchema),
  local: v.optional(EndpointSchema),
  remote: v.optional(EndpointSchema),
  bytes: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9+/]*={0,2}$/, 'not base64'))),
  size: v.optional(count),
  note: v.optional(v.string()),
  retransmission: v.optional(v.literal(true)),
  dnsError: v.optional(v.pipe(v.string(), v.maxLength(64))),
});

const OUTCOMES = [
  'registered',
  'rejected',
  'auth-failed',
  'auth-skipped',
  'challenged-no-answer',
  'answered',
  'redirected',
  'no-response',
  'refused',
  'unreachable',
  'reset',
  'tls-failure',
  'protocol-error',
  'bind-failed',
  'dns-failure',
  'aborted',
] as const;

const TlsSchema = v.object({
  verified: v.boolean(),
  verifyError: v.optional(v.string()),
  servername: v.string(),
  protocol: v.optional(v.string()),
  cipher: v.optional(v.string()),
  certificate: v.optional(
    v.object({
      subject: v.string(),
      issuer: v.string(),
      validFrom: v.string(),
      validTo: v.string(),
      subjectAltNames: v.array(v.string()),
      fingerprint256: v.string(),
    }),
  ),
});

export const AttemptSchema = v.object({
  id: count,
  label: v.string(),
  transport: TransportSchema,
  target: TargetSchema,
  sourcePortMode: v.picklist(['fixed-5060', 'ephemeral', 'user']),
  rport: v.boolean(),
  localPort: v.optional(int),
  localAddress: v.optional(v.string()),
  outcome: v.picklist(OUTCOMES),
  status: v.optional(int),
  reason: v.optional(v.string()),
  detail: v.string(),
  durationMs: v.number(),
  startedAt: v.number(),
  requestsSent: count,
  retransmissions: count,
  via: v.optional(v.object({ sentBy: v.string(), rportRequested: v.boolean(), received: v.optional(v.string()), rport: v.optional(int) })),
  responsesFromElsewhere: v.array(EndpointSchema),
  unregistered: v.optional(v.boolean()),
  tls: v.optional(TlsSchema),
  traceSeqs: v.array(int),
  browser: v.optional(v.object({ origin: v.string(), connected: v.boolean(), originHandshakeStatus: v.optional(int) })),
});

export const CheckResultSchema = v.object({
  schemaVersion: int,
  tool: v.object({ name: v.literal('sipladder'), version: v.string() }),
  origin: v.optional(v.picklist(['check', 'capture', 'audit'])),
  capture: v.optional(v.object({ file: v.string(), format: v.picklist(['pcap', 'ngrep']), packets: count, sipMessages: count, leftOut: v.string() })),
  startedAt: v.string(),
  durationMs: v.number(),
  account: v.object({
    server: v.string(),
    port: v.optional(int),
    domain: v.string(),
    user: v.string(),
    authUser: v.string(),
    transports: v.array(TransportSchema),
    ports: v.optional(v.partial(v.object(Object.fromEntries(TRANSPORTS.map((t) => [t, int])) as Record<(typeof TRANSPORTS)[number], typeof int>))),
    passwordGiven: v.boolean(),
  }),
  dns: v.array(
    v.object({
      query: v.string(),
      type: v.picklist(['NAPTR', 'SRV', 'A', 'AAAA']),
      answers: v.array(v.string()),
      error: v.optional(v.string()),
      code: v.optional(v.string()),
      durationMs: v.number(),
    }),
  ),
  attempts: v.array(AttemptSchema),
  pathProbes: v.optional(PathProbesSchema),
  authFailures: count,
  incomplete: v.optional(v.object({ reason: v.picklist(['cancelled', 'path-probes-running']), detail: v.string() })),
  trace: v.array(TraceEventSchema),
  audit: v.optional(AuditRecordSchema),
});

export const DiagnosisSchema = v.object({
  verdict: v.string(),
  findings: v.array(
    v.object({
      id: v.string(),
      severity: v.picklist(['error', 'warning', 'info']),
      title: v.string(),
      explanation: v.string(),
      technical: v.string(),
      evidence: v.array(int),
      attempts: v.array(int),
      fix: v.array(v.string()),
      confidence: v.picklist(['high', 'medium', 'low']),
    }),
  ),
});

/** Every field required, at every depth: an optional field missing on one side then shows. */
type AllRequired<T> = T extends readonly (infer U)[] ? Array<AllRequired<U>> : T extends object ? { [K in keyof T]-?: AllRequired<T[K]> } : T;
/** `true` when A and B are assignable both ways, optional fields included. */
type Same<A, B> = [AllRequired<A>] extends [AllRequired<B>] ? ([AllRequired<B>] extends [AllRequired<A>] ? true : false) : false;
/** A compile error unless T is `true`. */
type Assert<T extends true> = T;
/**
 * Checked by `npm run typecheck`: the schemas describe exactly the model types. "Type 'false' does
 * not satisfy the constraint 'true'" here means a field was added to or changed in the model
 * (shared/model/*.ts, shared/diagnosis/types.ts) but not in the schema above, or the other way round.
 * @public (exported only so that no "unused" rule removes the check)
 */
export type SchemasMatchModel = [
  Assert<Same<v.InferOutput<typeof CheckResultSchema>, CheckResult>>,
  Assert<Same<v.InferOutput<typeof DiagnosisSchema>, Diagnosis>>,
];
