// Which renderer `npm start` serves: Vite's dev server in a source checkout, the build elsewhere.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isDevelopmentCheckout } from '../../electron/cli/start-command.js';
import { devCsp } from '../../electron/web/renderer-source.js';
import { CSP } from '../../shared/ipc/csp.js';

const tree = (withGit: boolean, withSources: boolean): string => {
  const root = `${mkdtempSync(join(tmpdir(), 'sl-start-'))}/`;
  if (withGit) mkdirSync(join(root, '.git'));
  if (withSources) (mkdirSync(join(root, 'renderer')), writeFileSync(join(root, 'renderer', 'index.html'), '<html></html>'));
  return root;
};

describe('npm start: dev server or build', () => {
  it('uses the dev server only in a git checkout with the renderer sources, unless --built', () => {
    expect(isDevelopmentCheckout(tree(true, true), [])).toBe(true);
    expect(isDevelopmentCheckout(tree(true, true), ['--built'])).toBe(false);
    expect(isDevelopmentCheckout(tree(false, true), [])).toBe(false);
    expect(isDevelopmentCheckout(tree(true, false), [])).toBe(false);
  });

  it("keeps the app's policy in dev, adding only a nonce to script-src and style-src", () => {
    const dev = devCsp('abc');
    expect(dev).toContain("script-src 'self' 'nonce-abc';");
    expect(dev).toContain("style-src 'self' 'nonce-abc';");
    expect(dev.replace(/ 'nonce-abc'/g, '')).toBe(CSP);
    expect(dev).not.toMatch(/unsafe/);
  });
});
