// The UI is served from app://sipladder/ (a privileged custom scheme handled with protocol.handle)
// rather than file://, so the page has an origin of its own: 'self' in the CSP means the app's
// files only, and a page can never reach the rest of the file system through its URLs.
import { basename, extname, resolve, sep } from 'node:path';
import { CSP } from '../../shared/ipc/csp.js';
import { WEBRTC_PAGE, WEBRTC_PAGE_RUN_PARAM } from '../../shared/webrtc/page-csp.js';
import type { PrivilegedScheme } from './electron-like.js';

export const APP_SCHEME = 'app';
const APP_HOST = 'sipladder';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/** Registered before the app is ready: standard (relative URLs, an origin) and secure (like https). */
export const APP_SCHEME_PRIVILEGES: PrivilegedScheme = { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } };

/** What Vite's build of the renderer contains; anything else is not served. */
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/** Whether a URL or origin belongs to the app's own pages (app://sipladder, not app://sipladder.evil). */
export function isAppUrl(url: string | undefined): boolean {
  return url === APP_ORIGIN || !!url?.startsWith(`${APP_ORIGIN}/`);
}

/** The file under rootDir an app:// URL names, or null for another host, an unknown type, or any way out of rootDir. */
export function appFilePath(rootDir: string, url: string): string | null {
  if (!isAppUrl(url)) return null;
  let path: string;
  try {
    // The path as written, not as URL parsing normalised it: a ".." must be seen to be refused.
    path = decodeURIComponent(url.slice(APP_ORIGIN.length).split(/[?#]/)[0]!) || '/';
  } catch {
    return null; // malformed %-escapes
  }
  // Refuse rather than normalise: a ".." or a NUL in a URL of our own pages is never legitimate.
  if (path.includes('\0') || path.split(/[/\\]/).includes('..')) return null;
  const root = resolve(rootDir);
  const file = resolve(root, `.${path === '/' ? '/index.html' : path}`);
  return file.startsWith(root + sep) && CONTENT_TYPES[extname(file)] ? file : null;
}

/**
 * The protocol.handle handler: the built renderer's files, each with the CSP; 403 for refused paths.
 * The browser registration's page (webrtc.html?run=…) gets its run's CSP from `webrtcPageCsp`
 * (connect-src that run's WS/WSS server only), and is not served without one.
 */
export function appProtocolHandler(
  rootDir: string,
  readFile: (path: string) => Promise<Uint8Array>,
  webrtcPageCsp: (runId: string | null) => string | null = () => null,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const file = request.method === 'GET' ? appFilePath(rootDir, request.url) : null;
    if (!file) return new Response('refused', { status: 403 });
    const pageCsp = basename(file) === WEBRTC_PAGE ? webrtcPageCsp(new URL(request.url).searchParams.get(WEBRTC_PAGE_RUN_PARAM)) : CSP;
    if (!pageCsp) return new Response('not found', { status: 404 });
    let body: Uint8Array;
    try {
      body = await readFile(file);
    } catch {
      return new Response('not found', { status: 404 });
    }
    const headers = { 'Content-Type': CONTENT_TYPES[extname(file)]!, 'Content-Security-Policy': pageCsp, 'X-Content-Type-Options': 'nosniff' };
    return new Response(new Blob([new Uint8Array(body)]), { status: 200, headers });
  };
}
