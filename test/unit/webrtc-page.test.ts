// The browser registration's page (renderer/webrtc.html) in the Electron shell: served by the app://
// handler only with its run's CSP (connect-src that run's WS/WSS servers), never with wildcards.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appProtocolHandler } from '../../electron/shell/app-protocol.js';
import { webrtcPageCspFor } from '../../electron/webrtc/backend-methods.js';
import { CSP } from '../../shared/ipc/csp.js';
import type { CheckResult } from '../../shared/model/results.js';
import { browserTargetOrigins } from '../../shared/webrtc/targets.js';
import { attemptResult, checkResult } from '../builders.js';

const RUN = '0123456789abcdef';
const run = checkResult({
  attempts: [
    attemptResult({ id: 1, transport: 'ws', target: { host: 'sip.example.com', address: '192.0.2.1', port: 8080 } }),
    attemptResult({ id: 2, transport: 'wss', target: { host: '2001:db8::1', address: '2001:db8::1', port: 443 } }),
    attemptResult({ id: 3, transport: 'udp', target: { host: 'sip.example.com', address: '192.0.2.1', port: 5060 } }),
  ],
});
const runs = { result: (id: string): CheckResult | undefined => (id === RUN ? run : undefined), replace: () => undefined };

describe("the registration page's CSP", () => {
  it("allows exactly the run's WS/WSS servers (WSS first, IPv6 in brackets), nothing for other runs or ids", () => {
    expect(browserTargetOrigins(run)).toEqual(['wss://[2001:db8::1]:443', 'ws://sip.example.com:8080']);
    expect(webrtcPageCspFor(runs, RUN)).toBe(
      CSP.replace("connect-src 'self'", 'connect-src wss://[2001:db8::1]:443 ws://sip.example.com:8080').replace(
        "frame-ancestors 'none'",
        "frame-ancestors 'self'",
      ),
    );
    expect(webrtcPageCspFor(runs, 'fedcba9876543210')).toBeNull();
    expect(webrtcPageCspFor(runs, '../x')).toBeNull();
    expect(webrtcPageCspFor(runs, null)).toBeNull();
  });

  it('is the header of app://sipladder/webrtc.html?run=…; without a run the page is not served; the app keeps its own CSP', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sipladder-webrtc-'));
    writeFileSync(join(root, 'index.html'), '<title>app</title>');
    writeFileSync(join(root, 'webrtc.html'), '<title>registration</title>');
    const handler = appProtocolHandler(
      root,
      async (f) => new Uint8Array(await readFile(f)),
      (id) => webrtcPageCspFor(runs, id),
    );
    const page = await handler(new Request(`app://sipladder/webrtc.html?run=${RUN}`));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(webrtcPageCspFor(runs, RUN));
    expect((await handler(new Request('app://sipladder/webrtc.html'))).status).toBe(404);
    expect((await handler(new Request('app://sipladder/webrtc.html?run=fedcba9876543210'))).status).toBe(404);
    expect((await handler(new Request('app://sipladder/index.html'))).headers.get('content-security-policy')).toBe(CSP);
  });
});
