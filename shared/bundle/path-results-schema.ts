// Valibot schemas of the path-probe results (shared/model/path-results.ts), for bundles read from
// untrusted files. results-schema.ts checks at compile time that they match the TS types.
import * as v from 'valibot';

export const int = v.pipe(v.number(), v.integer());
export const count = v.pipe(v.number(), v.integer(), v.minValue(0));
export const EndpointSchema = v.object({ address: v.string(), port: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(65_535)) });
export const TargetSchema = v.object({ ...EndpointSchema.entries, host: v.string() });
const ProbeOutcome = v.picklist(['ok', 'no-response', 'error', 'aborted']);
const FILTERING = ['endpoint-independent', 'address-dependent', 'address-and-port-dependent'] as const;

const StunNatSchema = v.object({
  server: TargetSchema,
  outcome: ProbeOutcome,
  detail: v.string(),
  local: v.optional(EndpointSchema),
  mapped: v.optional(EndpointSchema),
  mappedPlain: v.optional(EndpointSchema),
  mappedRewritten: v.optional(v.boolean()),
  otherAddress: v.optional(EndpointSchema),
  mapping: v.optional(v.picklist(['no-nat', ...FILTERING])),
  filtering: v.optional(v.picklist(FILTERING)),
  hairpinning: v.optional(v.boolean()),
  classic: v.optional(v.string()),
  portPreservation: v.array(v.object({ localPort: int, mappedPort: v.optional(int), preserved: v.optional(v.boolean()), detail: v.string() })),
  bindingLifetime: v.optional(
    v.object({
      aliveAfter: v.array(v.number()),
      expiredAfter: v.array(v.number()),
      recommendation: v.optional(v.object({ seconds: v.number(), bound: v.picklist(['measured', 'at-least', 'below']) })),
      detail: v.string(),
    }),
  ),
  skipped: v.array(v.string()),
  durationMs: v.number(),
  traceSeqs: v.array(int),
});

const SizePointSchema = v.object({
  size: count,
  requestSize: v.optional(count),
  expectedResponseSize: v.optional(count),
  delivered: v.boolean(),
  late: v.optional(v.boolean()),
  rttMs: v.optional(v.number()),
  sends: count,
  status: v.optional(int),
  responseSize: v.optional(count),
  detail: v.optional(v.string()),
  bisection: v.optional(v.boolean()),
});

const FragmentationSchema = v.object({
  target: TargetSchema,
  outcome: ProbeOutcome,
  detail: v.string(),
  series: v.array(
    v.object({
      transport: v.picklist(['udp', 'tcp']),
      mode: v.picklist(['upstream', 'echo', 'downstream']),
      points: v.array(SizePointSchema),
      largestDelivered: v.optional(count),
      smallestLost: v.optional(count),
    }),
  ),
  skipped: v.array(v.string()),
  durationMs: v.number(),
  traceSeqs: v.array(int),
});

const AlgSchema = v.object({
  target: TargetSchema,
  outcome: v.picklist(['clean', 'rewritten', 'incomplete', 'error']),
  checks: v.array(
    v.object({
      transport: v.picklist(['udp', 'tcp']),
      port: int,
      outcome: v.picklist(['clean', 'rewritten', 'no-response', 'error']),
      differences: v.array(
        v.object({ what: v.string(), sent: v.optional(v.string()), seen: v.optional(v.string()), direction: v.picklist(['request', 'response']) }),
      ),
      detail: v.string(),
    }),
  ),
  durationMs: v.number(),
  traceSeqs: v.array(int),
});

const InboundSchema = v.object({
  target: TargetSchema,
  outcome: v.picklist(['ok', 'lost', 'error']),
  checks: v.array(v.object({ localPort: int, responseReceived: v.boolean(), knockReceived: v.boolean(), detail: v.string() })),
  durationMs: v.number(),
  traceSeqs: v.array(int),
});

export const PathProbesSchema = v.object({
  stun: v.optional(StunNatSchema),
  fragmentation: v.optional(FragmentationSchema),
  alg: v.optional(AlgSchema),
  inbound: v.optional(InboundSchema),
});
