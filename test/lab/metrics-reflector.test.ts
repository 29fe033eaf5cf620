// `sipladder reflector --metrics`: the reflector's counters (answers, drops by reason) as OpenMetrics
// on the one address given, on loopback; the CLI starts and stops the endpoint with the reflector.
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { reflectorCommand } from '../../electron/cli/reflector-command.js';
import { OPENMETRICS_CONTENT_TYPE } from '../../shared/export/openmetrics.js';
import { freeUdpPort } from '../integration/helpers.js';
import { sipOptions, udpTestClient } from '../integration/reflector-client.js';

/** Resolves with the first match of `pattern` in what the stream has written (event-based, no polling). */
function firstMatch(stream: PassThrough, pattern: RegExp): Promise<RegExpExecArray> {
  let text = '';
  return new Promise((resolve) => {
    const onData = (d: Buffer): void => {
      text += d;
      const m = pattern.exec(text);
      if (m) {
        stream.off('data', onData);
        resolve(m);
      }
    };
    stream.on('data', onData);
  });
}

describe('reflector --metrics', () => {
  it('serves answers and drops by reason, counted as they happen, on 127.0.0.1 only', async () => {
    const stdout = new PassThrough();
    let stop: () => void = () => undefined;
    const stopped = new Promise<void>((r) => (stop = r));
    const metricsPort = firstMatch(stdout, /metrics on http:\/\/127\.0\.0\.1:(\d+)\/metrics/);
    const sip = await freeUdpPort();
    const exit = reflectorCommand(
      ['--listen', '127.0.0.1', '--sip-ports', String(sip), '--metrics', '127.0.0.1:0'],
      { stdin: Readable.from([]), stdout, stderr: new PassThrough(), env: {} },
      stopped,
    );
    const started = await Promise.race([metricsPort, exit.then((code) => Promise.reject(new Error(`reflector ended with ${code} before serving metrics`)))]);
    const port = Number(started[1]);
    const client = await udpTestClient('127.0.0.5');
    try {
      client.send(new TextEncoder().encode('not sip at all'), sip);
      // The reflector handles one socket's datagrams in order: once the OPTIONS is answered, the garbage before it was counted.
      const ask = sipOptions([`X-SipLadder-Padding: ${'p'.repeat(300)}`]);
      client.send(ask.bytes, sip);
      await client.waitFor(ask.callId);
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(res.headers.get('content-type')).toBe(OPENMETRICS_CONTENT_TYPE);
      const body = await res.text();
      expect(body).toMatch(/^sipladder_reflector_answers_total 1$/m);
      expect(body).toMatch(/^sipladder_reflector_drops_total\{reason="not-a-request-we-answer"\} 1$/m);
      expect(body.endsWith('# EOF\n')).toBe(true);
      expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
      // Bound to 127.0.0.1 only: another loopback address is refused.
      await expect(fetch(`http://127.0.0.2:${port}/metrics`)).rejects.toThrow();
    } finally {
      client.close();
      stop();
    }
    expect(await exit).toBe(0);
  });
});
