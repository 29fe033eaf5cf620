// Valibot schema of the audit record (model.ts), so a bundle of an audit is checked completely
// like a check's; shared/bundle/results-schema.ts includes it and its type test covers it.
import * as v from 'valibot';
import { TRANSPORTS } from '../model/trace.js';

const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const TEST_IDS = ['scanner', 'enumeration', 'unauthenticated', 'digest', 'transport', 'rate-limit'] as const;
const VARIANTS = [
  'baseline',
  'scanner',
  'existing',
  'random',
  'external',
  'credentials',
  'replay',
  'remove',
  'remove-unauthenticated',
  'tls',
  'burst',
] as const;

export const AuditRecordSchema = v.object({
  confirmedOperator: v.literal(true),
  existingUser: v.optional(v.string()),
  randomUser: v.string(),
  externalNumber: v.string(),
  exchanges: v.array(
    v.object({
      attempt: count,
      test: v.picklist(TEST_IDS),
      variant: v.picklist(VARIANTS),
      method: v.picklist(['OPTIONS', 'REGISTER', 'INVITE']),
      transport: v.picklist(TRANSPORTS),
      userAgent: v.string(),
      status: v.optional(count),
      provisional: v.array(count),
      realm: v.optional(v.string()),
      rttMs: v.optional(v.number()),
      requestBytes: count,
      responseBytes: count,
      seqs: v.array(count),
      cancelled: v.optional(v.boolean()),
    }),
  ),
  tls: v.array(
    v.object({
      offer: v.picklist(['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3', 'weak-ciphers']),
      outcome: v.picklist(['accepted', 'refused', 'unsupported-here', 'no-connection']),
      protocol: v.optional(v.string()),
      cipher: v.optional(v.string()),
      detail: v.string(),
      seq: v.number(),
    }),
  ),
  burst: v.optional(v.object({ sent: count, answered: count, firstUnanswered: v.optional(count), peakPerSecond: count })),
  skipped: v.array(v.object({ test: v.picklist(TEST_IDS), reason: v.string() })),
});
