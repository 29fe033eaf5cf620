// Browser mode is reachable only by the page it served: token, Host and Origin are all checked,
// and every argument is validated before it reaches the engine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tempFiles } from './helpers.js';
import { createBackend } from '../../electron/app/backend.js';
import { MAX_BODY_BYTES, startWebServer, type WebServer } from '../../electron/web/server.js';
import type { RunEvent } from '../../shared/ipc/contract.js';

let web: WebServer;
const backend = createBackend(tempFiles(mkdtempSync(join(tmpdir(), 'sl-acc-'))));
const base = () => `http://127.0.0.1:${web.port}`;
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sl-web-'));
  writeFileSync(join(dir, 'index.html'), '<html><head></head><body>ui</body></html>');
  web = await startWebServer(backend, dir);
});
afterAll(async () => {
  await web.close();
  await backend.close();
});

const api = (path: string, init: RequestInit & { headers?: Record<string, string> } = {}) =>
  fetch(`${base()}${path}`, { method: 'POST', ...init, headers: { 'X-SipLadder-Token': web.token, 'Content-Type': 'application/json', ...init.headers } });

describe('browser mode security', () => {
  it('serves the page only with the token, and hands the token over in a meta tag under a strict CSP', async () => {
    expect((await fetch(`${base()}/`)).status).toBe(403);
    expect((await fetch(`${base()}/?token=${'0'.repeat(32)}`)).status).toBe(403);
    const ok = await fetch(web.url);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain(`<meta name="sipladder-token" content="${web.token}">`);
    expect(ok.headers.get('content-security-policy')).toMatch(/default-src 'none'; script-src 'self'/);
  });

  it('refuses API calls without the right token', async () => {
    expect((await api('/api/startDemo', { body: '["healthy"]', headers: { 'X-SipLadder-Token': 'wrong' } })).status).toBe(403);
    expect((await fetch(`${base()}/api/startDemo`, { method: 'POST', body: '["healthy"]' })).status).toBe(403);
  });

  it('refuses a foreign Origin (cross-site requests) and a foreign Host (DNS rebinding)', async () => {
    expect((await api('/api/startDemo', { body: '["healthy"]', headers: { Origin: 'https://evil.example' } })).status).toBe(403);
    expect((await api('/api/startDemo', { body: '["healthy"]', headers: { 'Sec-Fetch-Site': 'cross-site' } })).status).toBe(403);
    // fetch() cannot forge Host; talk HTTP by hand.
    const net = await import('node:net');
    const reply = await new Promise<string>((resolve) => {
      const s = net.connect(web.port, '127.0.0.1', () =>
        s.end(`GET /?token=${web.token} HTTP/1.1\r\nHost: rebind.evil.example:${web.port}\r\nConnection: close\r\n\r\n`),
      );
      let data = '';
      s.on('data', (d) => (data += d));
      s.on('end', () => resolve(data));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 421/);
  });

  it('validates every argument and limits the body size', async () => {
    const bad = await api('/api/startCheck', { body: JSON.stringify([{ server: 'bad host', user: 'a', transports: ['udp'] }]) });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatch(/not a valid host name/);
    expect((await api('/api/startCheck', { body: 'not json' })).status).toBe(400);
    expect((await api('/api/startCheck', { body: JSON.stringify([{ server: 'x'.repeat(MAX_BODY_BYTES + 10) }]) })).status).toBe(413);
    expect((await api('/api/cancelCheck', { body: JSON.stringify(['../../etc']) })).status).toBe(400);
    expect((await api('/api/startDemo', { body: JSON.stringify(['rm -rf']) })).status).toBe(400);
    expect((await fetch(`${base()}/..%2f..%2fetc%2fpasswd`)).status).toBe(400);
    // Only the table's own methods: not an extra argument, not a prototype's name.
    expect((await api('/api/cancelCheck', { body: JSON.stringify(['0123456789abcdef', 'extra']) })).status).toBe(400);
    for (const name of ['constructor', 'toString', '__proto__', 'nope']) expect((await api(`/api/${name}`, { body: '[]' })).status).toBe(404);
  });

  it('runs a check over the API and streams its events to the end', async () => {
    const demo = await (await api('/api/startDemo', { body: '["healthy"]' })).json();
    const events: RunEvent[] = [];
    const stream = await fetch(`${base()}/api/events`, { headers: { 'X-SipLadder-Token': web.token } });
    const reader = stream.body!.getReader();
    const { runId } = await (
      await api('/api/startCheck', {
        body: JSON.stringify([
          { server: demo.server, user: demo.user, password: demo.password, transports: ['tcp'], ports: { tcp: demo.ports.tcp }, skipPathProbes: true },
        ]),
      })
    ).json();
    let buf = '';
    while (!events.some((e) => e.type === 'done')) {
      const { value } = await reader.read();
      buf += new TextDecoder().decode(value);
      for (const frame of buf.split('\n\n').slice(0, -1))
        if (frame.startsWith('event: runEvent\ndata: ')) events.push(JSON.parse(frame.slice(frame.indexOf('data: ') + 6)));
      buf = buf.slice(buf.lastIndexOf('\n\n') + 2);
    }
    await reader.cancel();
    const done = events.find((e) => e.type === 'done')!;
    expect(done.runId).toBe(runId);
    expect(done.type === 'done' && done.result.attempts[0]!.outcome).toBe('registered');
    expect(events.some((e) => e.type === 'progress')).toBe(true);
  });
});
