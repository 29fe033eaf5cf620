// The transaction driver (SipFlow.transaction) on the manual clock: when it sends, what it returns,
// what it absorbs. The rules themselves are tested in transaction.test.ts.
import { describe, expect, it } from 'vitest';
import { defaultDeps, type EngineDeps } from '../../electron/engine/deps.js';
import { RateLimiter } from '../../electron/engine/safety.js';
import { SipFlow, type TxMatch } from '../../electron/engine/sip-flow.js';
import { TraceRecorder } from '../../electron/engine/trace-recorder.js';
import type { ChannelHandlers } from '../../electron/engine/transports/channel.js';
import type { Transport } from '../../shared/model/trace.js';
import { manualClock } from '../manual-clock.js';

const server = { address: '127.0.0.1', port: 5060 };
const request = new TextEncoder().encode('OPTIONS sip:example.invalid SIP/2.0\r\n\r\n');

function response(status: number, branch: string): Uint8Array {
  return new TextEncoder().encode(
    `SIP/2.0 ${status} Whatever\r\nVia: SIP/2.0/UDP 127.0.0.1:40000;branch=${branch}\r\nFrom: <sip:a@example.invalid>;tag=1\r\n` +
      `To: <sip:a@example.invalid>\r\nCall-ID: call-1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`,
  );
}

const match = (branch: string): TxMatch => ({ branch, callId: 'call-1', method: 'OPTIONS' });

async function openFlow(transport: Transport) {
  const clock = manualClock();
  const sentAt: number[] = [];
  let handlers: ChannelHandlers | undefined;
  const deps: EngineDeps = {
    ...defaultDeps(),
    clock,
    openChannel: async (o) => {
      handlers = o.handlers;
      const local = { address: '127.0.0.1', port: 40000 };
      return { ok: true, channel: { transport, local, remote: o.remote, send: () => void sentAt.push(clock.now()), close: () => undefined } };
    },
  };
  const trace = new TraceRecorder(clock);
  const opened = await SipFlow.open({
    attempt: 1,
    transport,
    host: 'example.invalid',
    remote: server,
    tlsVerify: false,
    wsPath: '/',
    deps,
    trace,
    rate: new RateLimiter(clock),
    signal: new AbortController().signal,
    deadlineAt: Infinity,
    traceSeqs: [],
  });
  if (!opened.ok) throw new Error(opened.detail);
  const answer = (status: number, branch: string): void => handlers!.message(response(status, branch), server);
  return { clock, sentAt, flow: opened.flow, trace, answer };
}

describe('SipFlow.transaction on the manual clock', () => {
  it('over UDP sends at 0, T1 and 3*T1 and times out at the probe deadline', async () => {
    const { clock, sentAt, flow, trace } = await openFlow('udp');
    const tx = flow.transaction(request, match('z9hG4bK-1'), 3500, 'OPTIONS');
    await clock.advance(5000);
    expect(await tx).toEqual({ kind: 'timeout', sends: 3, waitedMs: 3500, cappedByRun: false });
    expect(sentAt).toEqual([0, 500, 1500]);
    expect(flow.stats).toMatchObject({ requestsSent: 3, retransmissions: 2 });
    expect(trace.events.filter((e) => e.kind === 'sent').map((e) => e.note)).toEqual(['OPTIONS', 'OPTIONS (retransmission 1)', 'OPTIONS (retransmission 2)']);
  });

  it('over TCP sends once', async () => {
    const { clock, sentAt, flow } = await openFlow('tcp');
    const tx = flow.transaction(request, match('z9hG4bK-1'), 3500, 'OPTIONS');
    await clock.advance(5000);
    expect((await tx).kind).toBe('timeout');
    expect(sentAt).toEqual([0]);
  });

  it('after a 1xx resends every T2, and returns the final response', async () => {
    const { clock, sentAt, flow, answer } = await openFlow('udp');
    const tx = flow.transaction(request, match('z9hG4bK-1'), 30_000, 'OPTIONS');
    await clock.advance(600);
    answer(100, 'z9hG4bK-1');
    await clock.advance(5400); // E fires at 1500, then T2 later at 5500
    answer(200, 'z9hG4bK-1');
    await clock.advance(1);
    const outcome = await tx;
    expect(outcome).toMatchObject({ kind: 'response', sends: 4 });
    expect(sentAt).toEqual([0, 500, 1500, 5500]);
  });

  it('absorbs a retransmitted final response of the previous transaction until Timer K, then calls it not ours', async () => {
    const { clock, flow, trace, answer } = await openFlow('udp');
    const first = flow.transaction(request, match('z9hG4bK-1'), 3500, 'OPTIONS');
    answer(200, 'z9hG4bK-1');
    await clock.advance(10);
    expect((await first).kind).toBe('response');
    const second = flow.transaction(request, match('z9hG4bK-2'), 10_000, 'OPTIONS');
    await clock.advance(100);
    answer(200, 'z9hG4bK-1');
    await clock.advance(5000); // past Timer K (T4) of the first transaction
    answer(200, 'z9hG4bK-1');
    answer(200, 'z9hG4bK-2');
    await clock.advance(1);
    expect((await second).kind).toBe('response');
    const notes = trace.events.map((e) => e.note ?? '');
    expect(notes.filter((n) => n.includes('absorbed'))).toHaveLength(1);
    expect(notes.filter((n) => n.includes('branch z9hG4bK-1 is not ours'))).toHaveLength(1);
  });
});
