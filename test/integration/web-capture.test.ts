// Capture import over the browser mode's API: the file goes up as raw bytes (name in the query) and
// is imported as it arrives; the answer's trace has no bytes, which /api/capture/messages gives per
// seq; every argument is checked.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempFiles } from './helpers.js';
import { createBackend } from '../../electron/app/backend.js';
import { startWebServer, type WebServer } from '../../electron/web/server.js';
import { importCapture } from '../../shared/capture/import.js';
import { MAX_CAPTURE_BYTES, type OpenedBundleView } from '../../shared/ipc/contract.js';
import { registrationsCapture } from '../fixtures/registrations-capture.js';

let web: WebServer;
const backend = createBackend(tempFiles(mkdtempSync(join(tmpdir(), 'sl-webcap-'))));
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sl-webcap-ui-'));
  writeFileSync(join(dir, 'index.html'), '<html><head></head><body>ui</body></html>');
  web = await startWebServer(backend, dir);
});
afterAll(async () => {
  await web.close();
  await backend.close();
});

const post = (path: string, body: BodyInit, type = 'application/json') =>
  fetch(`http://127.0.0.1:${web.port}${path}`, { method: 'POST', body, headers: { 'X-SipLadder-Token': web.token, 'Content-Type': type } });

describe('capture import over HTTP', () => {
  const capture = registrationsCapture(400) as Uint8Array<ArrayBuffer>;

  it("imports the raw upload and serves a dialog's messages on request", async () => {
    const res = await post(`/api/importCapture?args=${encodeURIComponent('["regs.pcap"]')}`, capture, 'application/octet-stream');
    expect(res.status).toBe(200);
    const view = (await res.json()) as OpenedBundleView;
    const local = importCapture(capture, 'regs.pcap').result;
    expect(view.result.attempts.map((a) => a.outcome)).toEqual(local.attempts.map((a) => a.outcome));
    expect(view.result.trace).toHaveLength(local.trace.length);
    expect(view.result.trace.some((e) => 'bytes' in e)).toBe(false);
    const seqs = view.result.attempts[0]!.traceSeqs;
    const messages = await post('/api/captureMessages', JSON.stringify([view.importId, seqs]));
    expect(messages.status).toBe(200);
    expect(await messages.json()).toEqual(seqs.map((seq) => ({ seq, bytes: local.trace[seq - 1]!.bytes })));
  });

  it('checks the name, the size, the seqs and the import id', async () => {
    expect((await post(`/api/importCapture?args=${encodeURIComponent('["../etc/passwd"]')}`, capture, 'application/octet-stream')).status).toBe(400);
    expect((await post('/api/importCapture', capture, 'application/octet-stream')).status).toBe(400);
    expect((await post('/api/captureMessages', JSON.stringify(['0123456789abcdef', [1.5]]))).status).toBe(400);
    expect((await post('/api/captureMessages', JSON.stringify(['nope', [1]]))).status).toBe(400);
    expect((await post('/api/captureMessages', JSON.stringify(['0123456789abcdef', [1]]))).status).toBe(404);
    // A declared size over the limit is refused before any byte is read (fetch cannot lie about it; talk HTTP by hand).
    const net = await import('node:net');
    const reply = await new Promise<string>((resolve) => {
      const s = net.connect(web.port, '127.0.0.1', () =>
        s.write(
          `POST /api/importCapture?args=%5B%22big.pcap%22%5D HTTP/1.1\r\nHost: 127.0.0.1:${web.port}\r\nX-SipLadder-Token: ${web.token}\r\nContent-Length: ${MAX_CAPTURE_BYTES + 1}\r\n\r\n`,
        ),
      );
      let data = '';
      s.on('data', (d) => {
        data += d;
        s.destroy();
        resolve(data);
      });
    });
    expect(reply).toMatch(/^HTTP\/1\.1 413/);
  });

  it('a cancelled upload is answered and its connection closed without waiting for the rest of the file', async () => {
    const big = registrationsCapture(40_000);
    const off = backend.subscribe('runEvent', (e) => {
      if (e.type === 'capture-progress') void backend.cancelCheck(e.runId);
    });
    const net = await import('node:net');
    // The first MB is sent, the rest held back: a browser would keep sending it before showing the answer.
    const reply = await new Promise<string>((resolve) => {
      const s = net.connect(web.port, '127.0.0.1', () => {
        s.write(
          `POST /api/importCapture?args=%5B%22big.pcap%22%5D HTTP/1.1\r\nHost: 127.0.0.1:${web.port}\r\nX-SipLadder-Token: ${web.token}\r\nContent-Length: ${big.length}\r\n\r\n`,
        );
        s.write(big.subarray(0, 1 << 20));
      });
      let data = '';
      s.on('data', (d) => (data += d));
      // The server may reset the connection on bytes still in flight: what counts is the answer read before.
      s.on('error', () => undefined);
      s.on('close', () => resolve(data));
    }).finally(off);
    expect(reply).toMatch(/^HTTP\/1\.1 422/);
    expect(reply).toMatch(/\r\nconnection: close\r\n/i);
    expect(reply).toMatch(/import cancelled/);
  });
});
