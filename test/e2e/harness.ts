// Headless Chromium (Debian's, driven by playwright-core) against the browser mode with the real
// engine and the demo registrar; shared by the e2e tests and the UI timing bench.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PassThrough, Readable } from 'node:stream';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createBackend } from '../../electron/app/backend.js';
import { ensureRendererBuilt, RENDERER_CONFIG, RENDERER_DIST } from '../../electron/cli/start-command.js';
import { devRenderer } from '../../electron/web/renderer-source.js';
import { startWebServer, type WebServer } from '../../electron/web/server.js';

export const CHROMIUM = '/usr/bin/chromium';
export const chromiumMissing = existsSync(CHROMIUM) ? null : 'Debian chromium is not installed (apt-get install chromium)';
/** Without the background-networking flags Chromium keeps dialling out, which this machine refuses. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const CLI = fileURLToPath(new URL('../../electron/cli/bin.mjs', import.meta.url));

export interface Harness {
  open(viewport?: { width: number; height: number }): Promise<Page>;
  close(): Promise<void>;
}

/**
 * `renderer: 'dev'` serves the page from Vite's dev server, as `npm start` does in a source checkout.
 * `server: 'cli'` runs `sipladder start --browser --built` in its own process (the CLI's bundle, as a
 * user starts it) instead of the backend in this test process: what the benches time.
 */
export async function startHarness(o: { renderer?: 'built' | 'dev'; server?: 'in-process' | 'cli' } = {}): Promise<Harness> {
  if (o.renderer !== 'dev') await ensureRendererBuilt({ stdin: Readable.from(['']), stdout: new PassThrough(), stderr: new PassThrough(), env: {} });
  // Saved accounts and the run history in a directory of this harness: never the user's own.
  const dir = mkdtempSync(join(tmpdir(), 'sl-e2e-'));
  const server = o.server === 'cli' ? await cliServer(dir) : await inProcessServer(dir, o.renderer);
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  return {
    open: async (viewport = { width: 1280, height: 900 }) => {
      const page = await browser.newPage({ viewport });
      await page.goto(server.url);
      return page;
    },
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

async function inProcessServer(dir: string, renderer: 'built' | 'dev' | undefined): Promise<{ url: string; close(): Promise<void> }> {
  const backend = createBackend({ accountsFile: join(dir, 'accounts.json'), historyFile: join(dir, 'history.sqlite') });
  const web: WebServer = await startWebServer(backend, renderer === 'dev' ? devRenderer(RENDERER_CONFIG) : RENDERER_DIST);
  return {
    url: web.url,
    close: async () => {
      await web.close();
      await backend.close();
    },
  };
}

/** `sipladder start` with the renderer built: beyond this it is stuck, and the caller is told so rather than left waiting. */
const START_TIMEOUT_MS = 60_000;

/** The address (with its token) that `sipladder start --browser` prints; rejects when it exits first or prints none in time. */
export function printedAddress(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`sipladder start printed no address within ${START_TIMEOUT_MS / 1000} s: ${out}`)), START_TIMEOUT_MS);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      resolve(m[0]);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sipladder start exited (${code}) before printing its address: ${out}`));
    });
  });
}

/** `sipladder start --browser --built` with this harness's own home and config directories; its URL from what it prints. */
async function cliServer(dir: string): Promise<{ url: string; close(): Promise<void> }> {
  const env = { ...process.env, HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), SIPLADDER_HISTORY: join(dir, 'history.sqlite') };
  const child = spawn(process.execPath, [CLI, 'start', '--browser', '--built'], { stdio: ['ignore', 'pipe', 'pipe'], env });
  const exited = once(child, 'exit');
  const url = await printedAddress(child).catch((e: unknown) => {
    child.kill('SIGTERM');
    throw e;
  });
  return {
    url,
    close: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Resolves when the verdict stands complete (path probes done), or the run ended incomplete. */
export async function verdictComplete(page: Page, timeout = 60_000): Promise<void> {
  await page.locator('[data-testid="verdict"]:is([data-state="complete"], [data-state="incomplete"])').waitFor({ timeout });
}

/** Fills the form from a demo scenario, clicks Run, and resolves when the (first) verdict is shown: ms since the click, and when the click was. */
export async function runDemo(page: Page, scenario: 'healthy' | 'blocked'): Promise<{ firstMs: number; clickedAt: number }> {
  await page.getByTestId(`demo-${scenario}`).click();
  await page.waitForFunction(() => (document.querySelector('[data-testid="account-server"]') as HTMLInputElement | null)?.value === '127.0.0.1');
  const t0 = performance.now();
  await page.getByTestId('run-button').click();
  await page.getByTestId('verdict').waitFor({ timeout: 60_000 });
  return { firstMs: performance.now() - t0, clickedAt: t0 };
}
