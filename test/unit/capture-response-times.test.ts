// Response times per method of a capture: first request to final answer, by method; transactions
// without a final answer give no time.
import { describe, expect, it } from 'vitest';
import type { DialogFacts } from '../../shared/capture/dialogs.js';
import { responseTimesByMethod } from '../../shared/capture/response-times.js';
import type { TraceEvent } from '../../shared/model/trace.js';

const fact = (method: string, firstSeq: number, finalSeq?: number): DialogFacts => ({
  attempt: firstSeq,
  kind: 'other',
  method,
  callId: `c${firstSeq}`,
  client: { address: '10.0.0.1', port: 5060 },
  server: { address: '192.0.2.1', port: 5060 },
  user: '',
  agent: '',
  failed: false,
  messages: 2,
  invite2xx: 0,
  acked: false,
  reinvites: 0,
  firstSeq,
  finalSeq,
});

describe('responseTimesByMethod', () => {
  it('gives per method the count answered, median, 95th percentile and slowest, most answered first', () => {
    const times = [0, 30, 100, 110, 200, 500, 1000, 1000, 2000, 2040];
    const trace: TraceEvent[] = times.map((t, i) => ({ seq: i + 1, t, attempt: 0, kind: 'received' }));
    const facts = [fact('REGISTER', 1, 2), fact('REGISTER', 3, 4), fact('INVITE', 5, 6), fact('REGISTER', 7, 8), fact('OPTIONS', 9), fact('OPTIONS', 9, 10)];
    expect(responseTimesByMethod(facts, trace)).toEqual([
      { method: 'REGISTER', answered: 3, medianMs: 10, p95Ms: 30, maxMs: 30 },
      { method: 'INVITE', answered: 1, medianMs: 300, p95Ms: 300, maxMs: 300 },
      { method: 'OPTIONS', answered: 1, medianMs: 40, p95Ms: 40, maxMs: 40 },
    ]);
  });

  it('uses the nearest rank: with 20 times the 95th percentile is the 19th', () => {
    const trace: TraceEvent[] = [];
    const facts: DialogFacts[] = [];
    for (let i = 0; i < 20; i++) {
      trace.push({ seq: 2 * i + 1, t: 0, attempt: 0, kind: 'received' }, { seq: 2 * i + 2, t: (i + 1) * 10, attempt: 0, kind: 'received' });
      facts.push(fact('REGISTER', 2 * i + 1, 2 * i + 2));
    }
    expect(responseTimesByMethod(facts, trace)[0]).toEqual({ method: 'REGISTER', answered: 20, medianMs: 100, p95Ms: 190, maxMs: 200 });
  });
});
