// The page's sip.js registration joins a finished check through the browser mode's HTTP API (the
// same method table as Electron IPC): every argument validated, the URL only one the run tried,
// the failed-authentication budget shared with the engine, the attempt in the results and bundle.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeUdpPort, tempFiles } from './helpers.js';
import { createBackend } from '../../electron/app/backend.js';
import { startRegistrar, type Fixture } from '../../electron/demo/registrar.js';
import { startWebServer, type WebServer } from '../../electron/web/server.js';
import type { RunEvent } from '../../shared/ipc/contract.js';
import type { CheckResult } from '../../shared/model/results.js';
import { BROWSER_ATTEMPT_LABEL, type BrowserRegistration } from '../../shared/webrtc/browser-attempt.js';

const backend = createBackend(tempFiles(mkdtempSync(join(tmpdir(), 'sl-webrtc-'))));
let web: WebServer;
let fx: Fixture;
beforeAll(async () => {
  fx = await startRegistrar({ transports: ['ws'], users: { alice: 'secret' } });
  const dir = mkdtempSync(join(tmpdir(), 'sl-webrtc-page-'));
  writeFileSync(join(dir, 'index.html'), '<html><head></head><body>ui</body></html>');
  writeFileSync(join(dir, 'webrtc.html'), '<html><head></head><body>registration</body></html>');
  web = await startWebServer(backend, dir);
});
afterAll(async () => {
  await web.close();
  await backend.close();
  await fx.close();
});

const api = (name: string, args: unknown[]) =>
  fetch(`http://127.0.0.1:${web.port}/api/${name}`, {
    method: 'POST',
    body: JSON.stringify(args),
    headers: { 'X-SipLadder-Token': web.token, 'Content-Type': 'application/json' },
  });

/** A check of the fixture's WS listener through the API, to its 'done' event. */
async function finishedCheck(password: string): Promise<{ runId: string; result: CheckResult }> {
  const done = new Promise<RunEvent & { type: 'done' }>((resolve) => {
    const stop = backend.subscribe('runEvent', (e) => {
      if ((e as RunEvent).type === 'done') (stop(), resolve(e as RunEvent & { type: 'done' }));
    });
  });
  const options = {
    server: '127.0.0.1',
    user: 'alice',
    password,
    transports: ['ws'],
    ports: { ws: fx.ports.ws },
    fixedSourcePort: await freeUdpPort(),
    skipPathProbes: true,
  };
  const { runId } = await (await api('startCheck', [options])).json();
  const event = await done;
  expect(event.runId).toBe(runId);
  return { runId, result: event.result };
}

const registered = (): BrowserRegistration => ({
  outcome: 'registered',
  status: 200,
  reason: 'OK',
  detail: '200 OK',
  connected: true,
  unregistered: true,
  durationMs: 25,
  messages: [
    { t: 1, direction: 'sent', text: 'REGISTER sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/WS x.invalid;branch=z9hG4bK1\r\n\r\n' },
    { t: 3, direction: 'received', text: 'SIP/2.0 200 OK\r\n\r\n' },
  ],
});

describe('webrtc* methods over the browser mode API', () => {
  it("joins the page's registration to the run: results, diagnosis and the exported bundle", async () => {
    const { runId, result } = await finishedCheck('secret');
    expect(result.attempts.map((a) => [a.transport, a.outcome])).toEqual([['ws', 'registered']]);
    const url = `ws://127.0.0.1:${fx.ports.ws}/`;
    expect(await (await api('webrtcGrant', [runId])).json()).toBe(true);
    expect((await api('webrtcSettle', [runId, 'accepted'])).status).toBe(200);
    const joined = await api('webrtcAttach', [runId, registered(), url, `http://127.0.0.1:${web.port}`]);
    expect(joined.status).toBe(200);
    const { result: withBrowser, diagnosis } = await joined.json();
    expect(withBrowser.attempts.map((a: { label: string; outcome: string }) => a.outcome)).toEqual(['registered', 'registered']);
    expect(withBrowser.attempts[1]).toMatchObject({ label: BROWSER_ATTEMPT_LABEL, browser: { connected: true, origin: `http://127.0.0.1:${web.port}` } });
    expect(diagnosis.verdict).toBeDefined();
    const bundle = await (await api('exportBundle', [runId, null])).json();
    const opened = await (await api('openBundle', [bundle.base64])).json();
    expect(opened.result.attempts.map((a: { label: string }) => a.label)).toContain(BROWSER_ATTEMPT_LABEL);
  });

  it('serves the registration page only for a finished run, with connect-src exactly its WS server', async () => {
    const { runId } = await finishedCheck('secret');
    const page = (id: string) => fetch(`http://127.0.0.1:${web.port}/webrtc.html?run=${id}`);
    const served = await page(runId);
    expect(served.status).toBe(200);
    const csp = served.headers.get('content-security-policy')!;
    expect(csp.split('; ').filter((d) => d.startsWith('connect-src'))).toEqual([`connect-src ws://127.0.0.1:${fx.ports.ws}`]);
    expect(csp).toContain("frame-ancestors 'self'");
    expect((await page('0123456789abcdef')).status).toBe(404);
    expect((await page('../index')).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${web.port}/webrtc.html`)).status).toBe(404);
  });

  it('refuses a URL the run did not try, bad run ids, verdicts and registrations', async () => {
    const { runId } = await finishedCheck('secret');
    const elsewhere = await api('webrtcAttach', [runId, registered(), 'wss://203.0.113.9/', 'http://127.0.0.1:1']);
    expect(elsewhere.status).toBe(404);
    expect((await elsewhere.json()).error).toMatch(/only with a WebSocket server the check tried/);
    expect((await api('webrtcGrant', ['../../x'])).status).toBe(400);
    expect((await api('webrtcGrant', ['0123456789abcdef'])).status).toBe(404);
    expect((await api('webrtcSettle', [runId, 'maybe'])).status).toBe(400);
    expect((await api('webrtcAttach', [runId, { ...registered(), password: 'x' }, `ws://127.0.0.1:${fx.ports.ws}/`, 'http://a'])).status).toBe(400);
    expect((await api('webrtcAttach', [runId, registered(), 'http://127.0.0.1/', 'http://a'])).status).toBe(400);
    expect((await api('webrtcAttach', [runId, registered(), `ws://127.0.0.1:${fx.ports.ws}/`, 'javascript:alert(1)'])).status).toBe(400);
  });

  it('grants the page only what the engine left of the 2 failed authentications', async () => {
    const { runId, result } = await finishedCheck('wrong');
    expect(result.authFailures).toBeGreaterThan(0);
    let granted = 0;
    while (granted < 3 && (await (await api('webrtcGrant', [runId])).json()) === true) {
      granted += 1;
      await api('webrtcSettle', [runId, 'unaccepted']);
    }
    expect(result.authFailures + granted).toBe(2);
    const failed = { ...registered(), outcome: 'auth-skipped', status: 401, reason: 'Unauthorized', detail: '401 Unauthorized', unregistered: undefined };
    const { result: joined } = await (await api('webrtcAttach', [runId, failed, `ws://127.0.0.1:${fx.ports.ws}/`, 'http://a'])).json();
    expect(joined.authFailures).toBe(2);
  });
});
