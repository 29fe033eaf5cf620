// `npm start` in a source checkout serves the page from Vite's dev server: the app must work there
// under the same strict CSP (plus a nonce for the scripts and styles Vite injects), with the hot-reload socket up.
import { expect, it } from 'vitest';
import { describeInBrowser } from './describe-in-browser.js';

describeInBrowser(
  'development checkout (Vite dev server)',
  (app) => {
    it('renders the app with no CSP violation and connects the hot-reload socket', async () => {
      const console: string[] = [];
      const page = await app.open();
      page.on('console', (m) => console.push(m.text()));
      const connected = page.waitForEvent('console', { predicate: (m) => m.text().includes('[vite] connected'), timeout: 60_000 });
      await page.reload();
      await connected;
      await page.getByTestId('run-button').waitFor();
      const policy = await page.evaluate(() => document.querySelector('meta[http-equiv="Content-Security-Policy"]'));
      expect(policy).toBeNull();
      // The stylesheet came through Vite (the page is styled), and Vite's client script carries the policy's nonce.
      expect(await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)).toBe('rgb(243, 244, 246)');
      expect(
        await page.evaluate(() => (document.querySelector('script[src="/@vite/client"]') as HTMLScriptElement | null)?.nonce?.length ?? 0),
      ).toBeGreaterThan(0);
      expect(console.filter((t) => /Content Security Policy|Refused to/i.test(t))).toEqual([]);
      await page.close();
    });
  },
  { renderer: 'dev' },
);
