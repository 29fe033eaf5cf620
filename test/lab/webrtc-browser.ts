// Headless Chromium inside the lab's client namespace (behind the NAT, like the engine), running the
// app's own sip.js registration (renderer/src/webrtc) from a page served at PAGE_ORIGIN by request
// interception; the main process's BrowserAttempts grants its credentials.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import type { BrowserRegistration } from '../../shared/webrtc/browser-attempt.js';
import { CHROMIUM, CHROMIUM_ARGS } from '../e2e/harness.js';
import { NS } from './lab.js';

/** The web phone's page: its origin is what the browser sends as Origin. */
export const PAGE_ORIGIN = 'http://phone.lab.test';
const ENTRY = fileURLToPath(new URL('../../renderer/src/webrtc/sipjs-register.ts', import.meta.url));
/** One registration in the page: sip.js's own deadlines (connect 5 s, REGISTER 10 s, un-REGISTER 5 s) plus margin. */
const PAGE_TIMEOUT_MS = 30_000;

export interface BrowserInput {
  url: string;
  user: string;
  domain: string;
  password: string;
}

/** The main process's grant and settle (electron/webrtc/browser-attempts.ts), exposed to the page. */
export interface PageAuthSlot {
  request(): Promise<boolean>;
  settle(verdict: 'accepted' | 'unaccepted' | 'unsent'): void;
}

export class LabBrowser {
  private readonly dir = mkdtempSync(join(tmpdir(), 'sllab-chromium-'));
  private browser: Browser | null = null;
  private script = '';

  async start(): Promise<void> {
    const bundle = await build({
      entryPoints: [ENTRY],
      bundle: true,
      format: 'iife',
      globalName: 'sipladderWebrtc',
      platform: 'browser',
      write: false,
      target: 'es2022',
    });
    this.script = bundle.outputFiles[0]!.text;
    // `ip netns exec` replaces itself with Chromium, so Playwright's pipe to it (fds 3 and 4) stays intact.
    const wrapper = join(this.dir, 'chromium-in-client-ns');
    writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${NS.client} ${CHROMIUM} "$@"\n`);
    chmodSync(wrapper, 0o755);
    this.browser = await chromium.launch({
      executablePath: wrapper,
      args: CHROMIUM_ARGS,
    });
  }

  /** `trustLabCa`: stands in for a browser whose store has the lab's private CA (Chromium is told to accept any certificate). */
  async register(input: BrowserInput, slot: PageAuthSlot, o: { trustLabCa?: boolean } = {}): Promise<BrowserRegistration> {
    const context = await this.browser!.newContext({ ignoreHTTPSErrors: o.trustLabCa ?? false });
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(PAGE_TIMEOUT_MS);
      await page.route(`${PAGE_ORIGIN}/**`, (route) =>
        route.fulfill({
          contentType: 'text/html',
          body: `<!doctype html><title>web phone</title><script>${this.script.replace(/<\/script/gi, '<\\/script')}</script>`,
        }),
      );
      await page.exposeFunction('requestAuthSlot', () => slot.request());
      await page.exposeFunction('settleAuthSlot', (verdict: 'accepted' | 'unaccepted' | 'unsent') => slot.settle(verdict));
      await page.goto(`${PAGE_ORIGIN}/`);
      return await page.evaluate((i) => {
        const w = window as unknown as {
          sipladderWebrtc: { registerFromBrowser(input: unknown, slot: unknown): Promise<BrowserRegistration> };
          requestAuthSlot(): Promise<boolean>;
          settleAuthSlot(v: string): Promise<void>;
        };
        return w.sipladderWebrtc.registerFromBrowser(i, { request: () => w.requestAuthSlot(), settle: (v: string) => w.settleAuthSlot(v) });
      }, input);
    } finally {
      await context.close();
    }
  }

  async stop(): Promise<void> {
    await this.browser?.close();
    this.browser = null;
    rmSync(this.dir, { recursive: true, force: true });
  }
}
