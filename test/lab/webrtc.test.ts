// Lab: a WebRTC phone's registration — the app's sip.js code in headless Chromium, behind the lab's
// NAT — next to the engine's own WS/WSS attempt, against Kamailio's websocket module (RFC 7118);
// one WebSocket port checks Origin. The browser's attempt joins the engine's results, and the
// differences are findings.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserAttempts } from '../../electron/webrtc/browser-attempts.js';
import { diagnose } from '../../shared/diagnosis/diagnose.js';
import { fromBase64, fromUtf8 } from '../../shared/hash/utf8.js';
import type { CheckResult } from '../../shared/model/results.js';
import { exportBundle, openBundle } from '../../electron/bundle/bundle.js';
import { ladderModel } from '../../shared/ladder/model.js';
import { BROWSER_ATTEMPT_LABEL, type BrowserRegistration } from '../../shared/webrtc/browser-attempt.js';
import { chromiumMissing } from '../e2e/harness.js';
import { checkFromClient, LAB_PASSWORD, LAB_USER, labUnavailableReason, NS, SERVER_IP } from './lab.js';
import { useLab } from './use-lab.js';
import { LabBrowser, PAGE_ORIGIN } from './webrtc-browser.js';
import { ALLOWED_ORIGIN, WebSocketKamailio, WS_CONTACT_REWRITING_PORT, WS_ORIGIN_CHECKED_PORT, WS_PORT, WSS_PORT } from './webrtc-kamailio.js';

const unavailable = labUnavailableReason() ?? chromiumMissing;
if (unavailable) console.warn(`WebRTC lab tests skipped: ${unavailable}`);

const CA_FILE = fileURLToPath(new URL('../../electron/demo/certs/ca.pem', import.meta.url));
const ORIGIN_SCRIPT = fileURLToPath(new URL('./webrtc-origin.ts', import.meta.url));

/** The app's Origin handshake, from the client namespace like the browser. */
function originStatus(url: string): Promise<number | null> {
  return new Promise((resolve, reject) => {
    execFile(
      'ip',
      ['netns', 'exec', NS.client, process.execPath, '--import', 'tsx', ORIGIN_SCRIPT, url, PAGE_ORIGIN, CA_FILE],
      { timeout: 30_000 },
      (err, stdout) => {
        if (err) return reject(err);
        resolve((JSON.parse(stdout) as { status: number | null }).status);
      },
    );
  });
}

interface Run {
  result: CheckResult;
  browser: BrowserRegistration;
  findings: string[];
  registerAgain(): Promise<CheckResult & { again: BrowserRegistration }>;
}

describe.skipIf(unavailable !== null)('lab: WebRTC registration from the browser next to the engine', () => {
  const kamailio = new WebSocketKamailio();
  const browser = new LabBrowser();
  useLab({ processes: [kamailio.process] });
  beforeAll(() => browser.start(), 60_000);
  afterAll(async () => {
    await browser.stop();
    kamailio.dispose();
  });

  async function run(transport: 'ws' | 'wss', port: number, o: { trustLabCa?: boolean; password?: string } = {}): Promise<Run> {
    const password = o.password ?? LAB_PASSWORD;
    const { result: engine } = await checkFromClient(['--skip-path-probes', '--transports', transport, `--${transport}-port`, String(port)], password);
    const url = `${transport}://${SERVER_IP}:${port}/`;
    // The app's main-process side, with the run kept as RunManager keeps it and the Origin handshake made from the client namespace.
    const runs = new Map([['run', engine]]);
    const attempts = new BrowserAttempts({ result: (id) => runs.get(id), replace: (id, r) => void runs.set(id, r) }, (h) => originStatus(h.url));
    const reg = await browser.register(
      { url, user: LAB_USER, domain: SERVER_IP, password },
      { request: () => attempts.grant('run'), settle: (verdict) => attempts.settle('run', verdict) },
      o,
    );
    const result = await attempts.attach('run', reg, { url, origin: PAGE_ORIGIN });
    const status = result.attempts.at(-1)!.browser!.originHandshakeStatus;
    const findings = diagnose(result).findings.map((f) => f.id);
    console.log(
      `WebRTC lab ${url}${o.trustLabCa ? ' (CA trusted by the browser)' : ''}: engine ${engine.attempts.map((a) => `${a.outcome} ${a.durationMs} ms`).join(', ')}; browser ${reg.outcome} ${Math.round(reg.durationMs)} ms, ${reg.messages.length} messages${status !== undefined ? `, Origin handshake HTTP ${status}` : ''}; findings: ${findings.join(', ') || 'none'}`,
    );
    const registerAgain = async (): Promise<CheckResult & { again: BrowserRegistration }> => {
      const again = await browser.register(
        { url, user: LAB_USER, domain: SERVER_IP, password },
        { request: () => attempts.grant('run'), settle: (verdict) => attempts.settle('run', verdict) },
        o,
      );
      return { ...(await attempts.attach('run', again, { url, origin: PAGE_ORIGIN })), again };
    };
    return { result, browser: reg, findings, registerAgain };
  }

  const sentTexts = (r: BrowserRegistration): string[] => r.messages.filter((m) => m.direction === 'sent').map((m) => m.text);

  it('WS: sip.js registers from the browser like the engine (challenge, credentials, 200, binding removed); no finding', async () => {
    const r = await run('ws', WS_PORT);
    expect(r.result.attempts.map((a) => [a.transport, a.outcome])).toEqual([
      ['ws', 'registered'],
      ['ws', 'registered'],
    ]);
    expect(r.browser).toMatchObject({ outcome: 'registered', status: 200, connected: true, unregistered: true });
    expect(r.browser.messages.map((m) => m.text.split('\r\n')[0])).toEqual([
      'REGISTER sip:203.0.113.10 SIP/2.0',
      'SIP/2.0 401 Unauthorized',
      'REGISTER sip:203.0.113.10 SIP/2.0',
      'SIP/2.0 200 OK',
      // The removal: sip.js sends the credentials of the accepted nonce at once (nc=2), so no second challenge.
      'REGISTER sip:203.0.113.10 SIP/2.0',
      'SIP/2.0 200 OK',
    ]);
    expect(sentTexts(r.browser)[0]).toMatch(/^Via: SIP\/2\.0\/WS /m);
    expect(sentTexts(r.browser).at(-1)).toMatch(/^Expires: 0|;expires=0/im);
    // Credentials went out only after the main process granted them; none failed.
    expect(r.result.authFailures).toBe(0);
    const browserTrace = r.result.trace.filter((e) => e.attempt === r.result.attempts[1]!.id && e.bytes);
    expect(browserTrace.map((e) => fromUtf8(fromBase64(e.bytes!))).join('')).not.toMatch(/response="[0-9a-f]{32}"/);
    expect(r.findings).toEqual([]);
    // An attempt like the others: on the ladder and through a bundle and back (schema-checked on opening).
    const column = ladderModel(r.result).find((c) => c.attempt === r.result.attempts[1]!.id)!;
    expect(column.arrows.length).toBe(6);
    const opened = openBundle(exportBundle(r.result).bytes);
    expect(opened.result.attempts[1]).toMatchObject({ label: BROWSER_ATTEMPT_LABEL, outcome: 'registered', browser: { origin: PAGE_ORIGIN, connected: true } });
    expect(opened.diagnosis.findings).toEqual([]);
  });

  it("WSS with the lab's private CA: the engine (given the CA) registers, the browser refuses the certificate", async () => {
    const r = await run('wss', WSS_PORT);
    expect(r.result.attempts[0]).toMatchObject({ outcome: 'registered', tls: { verified: true } });
    expect(r.browser).toMatchObject({ outcome: 'reset', connected: false, messages: [] });
    expect(r.result.attempts[1]!.browser!.originHandshakeStatus).toBe(101);
    expect(r.findings).toEqual(['webrtc-certificate-untrusted-by-browser']);
  });

  it("WSS with a browser that trusts the CA: sip.js registers over the browser's TLS; no finding", async () => {
    const r = await run('wss', WSS_PORT, { trustLabCa: true });
    expect(r.browser).toMatchObject({ outcome: 'registered', connected: true, unregistered: true });
    expect(sentTexts(r.browser)[0]).toMatch(/^Via: SIP\/2\.0\/WSS /m);
    expect(r.findings).toEqual([]);
  });

  it(`Origin checked (only ${ALLOWED_ORIGIN}): the page's origin is refused with 403, the engine (no Origin) registers`, async () => {
    const r = await run('ws', WS_ORIGIN_CHECKED_PORT);
    expect(r.result.attempts[0]!.outcome).toBe('registered');
    expect(r.browser).toMatchObject({ outcome: 'reset', connected: false });
    expect(r.result.attempts[1]!.browser!.originHandshakeStatus).toBe(403);
    expect(r.findings).toEqual(['webrtc-origin-rejected']);
    expect(kamailio.process.log).toContain(`WS-ORIGIN-REFUSED ${PAGE_ORIGIN}`);
  });

  it('a proxy that rewrites the Contact to UDP: both register, the answers name UDP, and every binding is removed', async () => {
    const r = await run('ws', WS_CONTACT_REWRITING_PORT);
    expect(r.result.attempts.map((a) => a.outcome)).toEqual(['registered', 'registered']);
    expect(r.result.attempts.every((a) => a.unregistered)).toBe(true);
    expect(r.findings).toEqual(['webrtc-wrong-transport']);
    const f = diagnose(r.result).findings[0]!;
    expect(f.attempts).toEqual(r.result.attempts.map((a) => a.id));
    expect(f.technical).toContain('Contact ;transport=udp in 200');
  });

  it("wrong password: the engine and the page share the run's 2 failed authentications; once spent, the page sends no credentials", async () => {
    const r = await run('ws', WS_PORT, { password: 'not-the-password' });
    expect(r.result.attempts[0]!.outcome).toBe('auth-failed');
    // The engine's one WS attempt failed once; the page got the last slot and failed too.
    expect(r.browser).toMatchObject({ outcome: 'auth-failed' });
    expect(r.result.authFailures).toBe(2);
    const second = await r.registerAgain();
    expect(second.again).toMatchObject({ outcome: 'auth-skipped', status: 401 });
    expect(sentTexts(second.again).some((m) => /^Authorization:/im.test(m))).toBe(false);
    expect(second.authFailures).toBe(2);
  });
});
