// Bundle figures: opening one (zip, complete schema check, findings recomputed) and pseudonymising
// one, on synthetic results of realistic shape (REGISTER/401/REGISTER/200 per attempt).
import { exportBundle, openBundle } from '../../electron/bundle/bundle.js';
import { pseudonymise } from '../../shared/bundle/redact.js';
import { checkResults } from '../../shared/bundle/schema.js';
import { toBase64, utf8 } from '../../shared/hash/utf8.js';
import type { AttemptResult, CheckResult } from '../../shared/model/results.js';
import type { TraceEvent } from '../../shared/model/trace.js';
import { attemptResult, checkResult } from '../builders.js';

const RUNS = 3;
const MESSAGES_PER_ATTEMPT = 4;

function message(i: number): string {
  return [
    `REGISTER sip:voip.example.com SIP/2.0`,
    `Via: SIP/2.0/UDP 192.0.2.${i % 200}:5060;branch=z9hG4bK-${i};rport`,
    `From: "Alice Smith" <sip:alice@voip.example.com>;tag=${i}`,
    `To: <sip:alice@voip.example.com>`,
    `Call-ID: ${Math.floor(i / MESSAGES_PER_ATTEMPT)}@host.example.net`,
    `CSeq: ${i} REGISTER`,
    `Contact: <sip:alice@[2001:db8::${(i % 0xffff).toString(16)}]:5060>`,
    'User-Agent: Phone/1.0',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

function syntheticResult(messages: number): CheckResult {
  const trace: TraceEvent[] = Array.from({ length: messages }, (_, i) => ({
    seq: i + 1,
    t: i,
    attempt: Math.floor(i / MESSAGES_PER_ATTEMPT) + 1,
    kind: i % 2 ? 'received' : 'sent',
    transport: 'udp',
    local: { address: '192.0.2.7', port: 5060 },
    remote: { address: '198.51.100.1', port: 5060 },
    bytes: toBase64(utf8(message(i))),
    size: 300,
  }));
  const attempts: AttemptResult[] = Array.from({ length: Math.ceil(messages / MESSAGES_PER_ATTEMPT) }, (_, i) =>
    attemptResult({
      id: i + 1,
      label: `REGISTER ${i + 1}`,
      target: { host: 'voip.example.com', address: '198.51.100.1', port: 5060 },
      status: 200,
      reason: 'OK',
      detail: '200 OK',
      durationMs: 40,
      startedAt: i,
      requestsSent: 2,
      traceSeqs: Array.from({ length: MESSAGES_PER_ATTEMPT }, (_, k) => i * MESSAGES_PER_ATTEMPT + k + 1),
    }),
  );
  return checkResult({
    durationMs: messages,
    attempts,
    trace,
    account: { server: 'voip.example.com', domain: 'voip.example.com', user: 'alice', authUser: 'alice', transports: ['udp'], passwordGiven: true },
  });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
function time(fn: () => void): number {
  return median(
    Array.from({ length: RUNS }, () => {
      const t = performance.now();
      fn();
      return performance.now() - t;
    }),
  );
}

export interface BundleFigures {
  messages: number;
  openMs: number;
  schemaMs: number;
  pseudonymiseMs: number;
  replacements: number;
}

export function benchBundles(sizes = [1_000, 50_000]): BundleFigures[] {
  return sizes.map((messages) => {
    const result = syntheticResult(messages);
    const bytes = exportBundle(result).bytes;
    const parsed = JSON.parse(JSON.stringify({ result, diagnosis: { verdict: '', findings: [] } })) as unknown;
    const all = { users: true, domains: true, addresses: true };
    return {
      messages,
      openMs: time(() => openBundle(bytes)),
      schemaMs: time(() => checkResults(parsed)),
      pseudonymiseMs: time(() => pseudonymise(result, all)),
      replacements: pseudonymise(result, all).replacements.length,
    };
  });
}
