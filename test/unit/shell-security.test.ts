// The Electron shell's security checklist against the fake Electron module: the app:// handler
// (files of the built UI only, with the CSP), the guard on every web contents, permissions, the
// CSP <meta> of the built page, and the fuses flipped at package time.
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Plugin } from 'vite';
import { describe, expect, it } from 'vitest';
import viteConfig from '../../build/vite.renderer.config.js';
import { appFilePath, appProtocolHandler } from '../../electron/shell/app-protocol.js';
import { externalUrlAllowed, permissionAllowed } from '../../electron/shell/guard.js';
import { startShell } from '../../electron/shell/main.js';
import { CSP, CSP_META } from '../../shared/ipc/csp.js';
import { fakeBackend, fakeElectron } from './fake-electron.js';

const PATHS = { preload: '/p.cjs', rendererDir: '/r', readFile: async () => new Uint8Array(), argv: ['electron', 'main.mjs'] };

function builtRenderer(): string {
  const root = mkdtempSync(join(tmpdir(), 'sipladder-app-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>app</title>');
  writeFileSync(join(root, 'assets', 'main.js'), 'console.log(1)');
  writeFileSync(join(root, '..', `${root.split(/[/\\]/).pop()}-secret.txt`), 'outside');
  return root;
}

describe('app:// protocol', () => {
  const root = builtRenderer();
  const handler = appProtocolHandler(root, async (f) => new Uint8Array(await readFile(f)));

  it('serves the built UI with the CSP and its content type', async () => {
    const page = await handler(new Request('app://sipladder/index.html'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(CSP);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('<title>app</title>');
    const script = await handler(new Request('app://sipladder/assets/main.js'));
    expect([script.status, script.headers.get('content-type'), await script.text()]).toEqual([200, 'text/javascript', 'console.log(1)']);
    expect((await handler(new Request('app://sipladder/assets/missing.js'))).status).toBe(404);
  });

  it('refuses every way out of the UI directory, other hosts, unknown file types and other methods', async () => {
    const name = root.split(/[/\\]/).pop()!;
    const escapes = [
      'app://sipladder/../../../../etc/passwd.json',
      'app://sipladder/%2e%2e/%2e%2e/etc/passwd.json',
      'app://sipladder/assets/..%2f..%2f..%2fetc%2fpasswd.json',
      'app://sipladder/assets/..%5c..%5cwin.ini.json',
      `app://sipladder/..%2f${name}-secret.txt`,
      'app://sipladder/index.html%00.js',
      'app://sipladder/%E0%A4%A.js',
      'app://evil/index.html',
      'app://sipladder.evil/index.html',
      'file:///etc/passwd',
      'app://sipladder/secret.txt',
      'app://sipladder/assets',
    ];
    for (const url of escapes) expect([url, appFilePath(root, url)]).toEqual([url, null]);
    // A Request normalises "/../" away before the handler sees it (Electron's too): then the path stays inside the UI directory.
    for (const url of escapes.filter((u) => u.startsWith('app:')))
      expect([url, [403, 404].includes((await handler(new Request(url))).status)]).toEqual([url, true]);
    expect((await handler(new Request(`app://sipladder/..%2f${name}-secret.txt`))).status).toBe(403);
    expect((await handler(new Request('app://sipladder/index.html', { method: 'POST', body: 'x' }))).status).toBe(403);
    expect(appFilePath(root, 'app://sipladder/')).toBe(join(root, 'index.html'));
  });
});

describe('every web contents is guarded', () => {
  it('denies new windows, navigation and <webview> in every web contents, and opens only https links outside', async () => {
    const f = fakeElectron();
    await startShell(f.electron, fakeBackend(), PATHS);
    const later = f.createContents(); // e.g. devtools, or a window made by a future feature
    for (const wc of [f.contents[0]!, later]) {
      expect(wc.openHandler!({ url: 'https://example.com/help' })).toEqual({ action: 'deny' });
      expect(wc.openHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
      expect(wc.openHandler!({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
      for (const event of ['will-navigate', 'will-attach-webview']) {
        let prevented = false;
        (wc.listeners.get(event) as (e: { preventDefault(): void }) => void)({ preventDefault: () => (prevented = true) });
        expect([event, prevented]).toEqual([event, true]);
      }
    }
    expect(f.state.opened).toEqual(['https://example.com/help', 'https://example.com/help']);
    expect(['http://x', 'ftp://x', 'not a url'].map(externalUrlAllowed)).toEqual([false, false, false]);
  });

  it('grants no permission but clipboard writing, and that only to the app’s own pages', async () => {
    const f = fakeElectron();
    await startShell(f.electron, fakeBackend(), PATHS);
    const asked: Array<[string, string, boolean]> = [];
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen', 'clipboard-sanitized-write']) {
      for (const url of ['app://sipladder/index.html', 'https://evil.example/', 'app://sipladder.evil/']) {
        f.session.request!({}, permission, (granted) => asked.push([permission, url, granted]), { requestingUrl: url });
        expect(f.session.check!({}, permission, url.replace(/\/[^/]*$/, ''))).toBe(
          permission === 'clipboard-sanitized-write' && url.startsWith('app://sipladder/'),
        );
      }
    }
    expect(asked.filter(([, , granted]) => granted)).toEqual([['clipboard-sanitized-write', 'app://sipladder/index.html', true]]);
    expect(asked).toHaveLength(21);
    expect(permissionAllowed('clipboard-sanitized-write', undefined)).toBe(false);
  });
});

describe('CSP as a <meta> in the built page', () => {
  it('is the same policy as the header, without what a <meta> cannot carry, first in <head>', async () => {
    expect(CSP_META).toBe(CSP.replace("; frame-ancestors 'none'", ''));
    const plugin = (viteConfig as { plugins: Plugin[] }).plugins.find((p) => p.name === 'sipladder-csp-meta')!;
    const transform = plugin.transformIndexHtml as (html: string) => string;
    const page = transform('<!doctype html><html><head><meta charset="utf-8" /><script type="module" src="./a.js"></script></head></html>');
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)" \/>/.exec(page);
    expect(meta?.[1]).toBe(CSP_META);
    expect(page.indexOf(meta![0])).toBeLessThan(page.indexOf('<meta charset'));
  });
});

describe('fuses at package time', () => {
  it('turns off RunAsNode, NODE_OPTIONS and --inspect, turns on cookie encryption, ASAR integrity and ASAR-only loading', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      build: { asar?: boolean; electronFuses: Record<string, boolean> };
    };
    expect(pkg.build.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
    expect(pkg.build.asar).not.toBe(false); // OnlyLoadAppFromAsar needs the app in an ASAR archive
    // Names electron-builder knows (a misspelt fuse would be ignored silently at package time).
    const scheme = JSON.parse(readFileSync(new URL('../../node_modules/app-builder-lib/scheme.json', import.meta.url), 'utf8')) as {
      definitions: { FuseOptionsV1: { properties: Record<string, unknown> } };
    };
    for (const fuse of Object.keys(pkg.build.electronFuses)) expect(scheme.definitions.FuseOptionsV1.properties).toHaveProperty(fuse);
  });
});
