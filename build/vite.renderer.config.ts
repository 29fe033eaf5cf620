import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { CSP_META } from '../shared/ipc/csp.js';

/**
 * The CSP as the first element of <head>, before any script, so the page keeps it however it is
 * loaded (app://, http://). Electronegativity's CSP_GLOBAL_CHECK is disabled on that line (an HTML
 * eng-disable comment may hold words only): it warns that script-src 'self' is unsafe where an
 * origin hosts JSONP or uploaded files, and the app's origins serve only the files of this build.
 */
export const CSP_META_TAG = `<meta http-equiv="Content-Security-Policy" content="${CSP_META}" /><!-- eng-disable CSP_GLOBAL_CHECK self serves only this build -->`;

const cspMeta: Plugin = {
  name: 'sipladder-csp-meta',
  transformIndexHtml: (html) => html.replace(/<head>/i, `<head>\n    ${CSP_META_TAG}`),
};

// React's automatic JSX through esbuild: no plugin needed (none is installable here with Vite 7).
export default defineConfig({
  root: fileURLToPath(new URL('../renderer/', import.meta.url)),
  base: './',
  esbuild: { jsx: 'automatic' },
  plugins: [cspMeta],
  build: { outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)), emptyOutDir: true, chunkSizeWarningLimit: 1500 },
});
