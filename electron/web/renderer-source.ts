// Where the browser-mode server gets the page from: the built files (dist/renderer), or — for
// `npm start` in a development checkout — Vite's dev server in middleware mode, so an edit under
// renderer/ or shared/ reloads the open page (hot reload) without a build.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type http from 'node:http';
import { extname, join } from 'node:path';
import { CSP } from '../../shared/ipc/csp.js';
import { WEBRTC_PAGE } from '../../shared/webrtc/page-csp.js';

export interface RendererSource {
  /** index.html as served and the CSP header that goes with it. */
  page(url: URL): Promise<{ html: string; csp: string }>;
  /** Answers a GET for any other path (already checked for `..`); false when there is no such file. */
  file(relativePath: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean>;
  close(): Promise<void>;
}

/** Gets the server it is served from: the dev server puts its hot-reload WebSocket on it. */
export type RendererSourceFactory = (server: http.Server) => Promise<RendererSource>;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

/** The HTML file a page URL names: the browser registration's page (shared/webrtc/page-csp.ts) or the app's. */
const pageFileOf = (url: URL): string => (url.pathname === `/${WEBRTC_PAGE}` ? WEBRTC_PAGE : 'index.html');

export function builtRenderer(staticDir: string): RendererSource {
  return {
    page: async (url) => ({ html: await readFile(join(staticDir, pageFileOf(url)), 'utf8'), csp: CSP }),
    file: async (rel, _req, res) => {
      let data: Buffer;
      try {
        data = await readFile(join(staticDir, rel));
      } catch {
        return false;
      }
      res.writeHead(200, {
        'Content-Type': TYPES[extname(rel)] ?? 'application/octet-stream',
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-cache',
      });
      res.end(data);
      return true;
    },
    close: async () => {},
  };
}

/**
 * The app's CSP with a nonce for the scripts and styles Vite's dev client adds to the page (it
 * injects each imported stylesheet as a <style> element; `html.cspNonce` makes it carry the nonce).
 * Everything else stays as strict as the built app: no 'unsafe-inline', no other origin. Vite's
 * hot-reload WebSocket is on this same origin, which connect-src 'self' allows.
 */
export function devCsp(nonce: string): string {
  return CSP.replace("script-src 'self'", `script-src 'self' 'nonce-${nonce}'`).replace("style-src 'self'", `style-src 'self' 'nonce-${nonce}'`);
}

/** Vite in middleware mode, its HMR WebSocket on `server`; a nonce per start (a dev server serves one person's browser). */
export function devRenderer(configFile: string): RendererSourceFactory {
  return async (server) => {
    const nonce = randomBytes(16).toString('base64');
    const { createServer } = await import('vite');
    const vite = await createServer({
      configFile,
      appType: 'custom',
      logLevel: 'warn',
      html: { cspNonce: nonce },
      server: { middlewareMode: true, hmr: { server } },
    });
    return {
      page: async (url) => ({
        html: await vite.transformIndexHtml(url.pathname, await readFile(join(vite.config.root, pageFileOf(url)), 'utf8')),
        csp: devCsp(nonce),
      }),
      file: (_rel, req, res) =>
        new Promise<boolean>((resolve) => {
          res.on('finish', () => resolve(true));
          vite.middlewares(req, res, () => resolve(false));
        }),
      close: () => vite.close(),
    };
  };
}
