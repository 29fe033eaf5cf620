import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { CSP_META } from '../shared/ipc/csp.js';
import { WEBRTC_PAGE, WEBRTC_PAGE_CSP_META } from '../shared/webrtc/page-csp.js';

/**
 * The CSP as the first element of <head>, before any script, so the page keeps it however it is
 * loaded (app://, http://). Electronegativity's CSP_GLOBAL_CHECK is disabled on that line (an HTML
 * eng-disable comment may hold words only): it warns that script-src 'self' is unsafe where an
 * origin hosts JSONP or uploaded files, and the app's origins serve only the files of this build.
 */
export const CSP_META_TAG = `<meta http-equiv="Content-Security-Policy" content="${CSP_META}" /><!-- eng-disable CSP_GLOBAL_CHECK self serves only this build -->`;

/**
 * The browser registration's page (renderer/webrtc.html) has its own floor policy; its header narrows it to the run's server.
 * CSP_GLOBAL_CHECK flags that floor's connect-src ws: wss: (and script-src 'self' as above); the page is only ever served
 * with the per-run header (electron/webrtc/browser-target.ts), whose connect-src is exactly the run's WS/WSS target.
 */
const WEBRTC_CSP_META_TAG = `<meta http-equiv="Content-Security-Policy" content="${WEBRTC_PAGE_CSP_META}" /><!-- eng-disable CSP_GLOBAL_CHECK the header narrows connect to the run server -->`;

// Built pages only: the dev server sends its own policy (with a nonce for Vite's injected styles) as a header,
// and a <meta> without that nonce would block them, since a page must satisfy every policy it has.
const cspMeta: Plugin = {
  name: 'sipladder-csp-meta',
  apply: 'build',
  // ctx optional: the shell-security test transforms a page without one (the app's page).
  transformIndexHtml: (html: string, ctx?: { path: string }) =>
    html.replace(/<head>/i, `<head>\n    ${ctx?.path.endsWith(`/${WEBRTC_PAGE}`) ? WEBRTC_CSP_META_TAG : CSP_META_TAG}`),
};

// React's automatic JSX through esbuild: no plugin needed (none is installable here with Vite 7).
export default defineConfig({
  root: fileURLToPath(new URL('../renderer/', import.meta.url)),
  base: './',
  esbuild: { jsx: 'automatic' },
  plugins: [cspMeta],
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    // Two pages: the app, and the browser registration's page with its own CSP (shared/webrtc/page-csp.ts).
    rollupOptions: {
      input: {
        main: fileURLToPath(new URL('../renderer/index.html', import.meta.url)),
        webrtc: fileURLToPath(new URL(`../renderer/${WEBRTC_PAGE}`, import.meta.url)),
      },
    },
  },
});
