// e2e: after a check that tried a WS server, the app's page registers again from the browser (sip.js
// in the hidden registration page, its CSP allowing that server only) and the attempt joins the
// results and the ladder; with the failed-authentication budget spent, no credentials leave the
// page. Against the fixture registrar on 127.0.0.1, its WebSocket listener reached on port 80 (the
// WS default, RFC 7118 §5; the form's port field is for UDP/TCP) through a local TCP relay.
import net from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startRegistrar, type Fixture } from '../../electron/demo/registrar.js';
import { BROWSER_ATTEMPT_LABEL } from '../../shared/webrtc/browser-attempt.js';
import { describeInBrowser } from './describe-in-browser.js';

const WS_DEFAULT_PORT = 80;
/** sip.js's User-Agent (renderer/src/webrtc/sipjs-register.ts): tells the page's requests from the engine's. */
const PAGE_USER_AGENT = 'SIP Ladder (sip.js in the browser)';

let fx: Fixture;
let relay: net.Server;
beforeAll(async () => {
  fx = await startRegistrar({ transports: ['tcp', 'ws'], users: { alice: 'secret' } });
  relay = net.createServer((client) => {
    const upstream = net.connect(fx.ports.ws, '127.0.0.1');
    client.pipe(upstream).pipe(client);
    const end = (): void => void (client.destroy(), upstream.destroy());
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => relay.listen(WS_DEFAULT_PORT, '127.0.0.1', resolve));
});
afterAll(async () => {
  await new Promise<void>((resolve) => relay.close(() => resolve()));
  await fx.close();
});

const pageRequests = (): string[] => fx.received.filter((r) => r.text.includes(PAGE_USER_AGENT)).map((r) => r.text);

/** Every state the browser attempt's panel shows, in order (a MutationObserver: no polling, nothing missed). */
async function recordPanelStates(page: Page): Promise<void> {
  await page.evaluate(() => {
    const states: string[] = [];
    (window as unknown as { panelStates: string[] }).panelStates = states;
    new MutationObserver(() => {
      const state = document.querySelector('[data-testid="webrtc-attempt"]')?.getAttribute('data-state');
      if (state && states.at(-1) !== state) states.push(state);
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
  });
}

describeInBrowser("WebRTC registration from the app's page", (app) => {
  async function check(page: Page, password: string, transports: string[]): Promise<void> {
    await page.getByTestId('account-server').fill('127.0.0.1');
    await page.getByTestId('account-port').fill(String(fx.ports.tcp));
    await page.getByTestId('account-user').fill('alice');
    await page.getByTestId('account-password').fill(password);
    for (const t of ['udp', 'tcp', 'tls', 'ws', 'wss']) await page.getByTestId(`transport-${t}`).setChecked(transports.includes(t));
    await page.getByTestId('run-button').click();
  }

  it('registers from the browser after the check: progress, then the attempt in the table and on the ladder, binding removed', async () => {
    const before = pageRequests().length;
    const page = await app.open();
    await recordPanelStates(page);
    await check(page, 'secret', ['ws']);
    await page.locator('[data-testid="webrtc-attempt"][data-state="joined"]').waitFor({ timeout: 60_000 });
    expect(await page.evaluate(() => (window as unknown as { panelStates: string[] }).panelStates)).toEqual(['waiting', 'registering', 'joined']);
    expect(await page.getByTestId('webrtc-outcome').textContent()).toMatch(/^Done: registered \(200 OK\)/);
    const rows = await page.locator('[data-testid="attempts"] tbody tr').allTextContents();
    expect(rows).toHaveLength(2);
    expect(rows[1]).toContain(BROWSER_ATTEMPT_LABEL);
    expect(rows[1]).toContain('registered 200');
    expect(await page.getByTestId('ascii-ladder').textContent()).toContain(BROWSER_ATTEMPT_LABEL);
    // REGISTER, REGISTER with credentials, REGISTER Expires 0: the binding is gone again.
    const sent = pageRequests().slice(before);
    expect(sent.map((t) => /^authorization:/im.test(t))).toEqual([false, true, true]);
    // (The fixture files contacts with their ;expires parameter, so its bindings map cannot tell; the requests can.)
    const contactOf = (t: string): string => /^Contact:\s*<([^>]+)>/im.exec(t)![1]!;
    expect(contactOf(sent[2]!)).toBe(contactOf(sent[0]!));
    expect(sent[2]).toMatch(/^Contact:.*;expires=0\r?$/im);
    expect(await page.getByTestId('webrtc-frame').count()).toBe(0);
    await page.close();
  });

  it('with the 2 failed authentications spent by the check, the page sends no credentials', async () => {
    const before = pageRequests().length;
    const page = await app.open();
    await check(page, 'wrong', ['tcp', 'ws']);
    await page.locator('[data-testid="webrtc-attempt"][data-state="joined"]').waitFor({ timeout: 60_000 });
    const rows = await page.locator('[data-testid="attempts"] tbody tr').allTextContents();
    expect(rows.slice(0, 2).map((r) => /auth-failed/.test(r))).toEqual([true, true]);
    expect(rows[2]).toContain(BROWSER_ATTEMPT_LABEL);
    expect(await page.getByTestId('webrtc-outcome').textContent()).toMatch(/^Done: auth-skipped \(401 /);
    const sent = pageRequests().slice(before);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.filter((t) => /^authorization:/im.test(t))).toEqual([]);
    await page.close();
  });

  it("a check whose password was not typed (a saved account's) skips the browser registration and says why", async () => {
    const before = pageRequests().length;
    const page = await app.open();
    await check(page, '', ['ws']);
    await page.locator('[data-testid="webrtc-attempt"][data-state="no-password"]').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('webrtc-attempt').textContent()).toContain('Type the password to also test from a browser');
    expect(pageRequests().length).toBe(before);
    await page.close();
  });
});
