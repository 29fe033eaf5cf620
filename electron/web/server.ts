// Browser mode: the same UI and contract over HTTP on 127.0.0.1. A random per-run token guards the
// API; Host and Origin are checked so other sites (CSRF) and DNS rebinding cannot reach it.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { normalize } from 'node:path';
import {
  EVENTS_PATH,
  HTTP_STATUS_OF_FAILURE,
  entryNamed,
  httpPathOf,
  invokeImplementation,
  parseArgs,
  type Method,
  type UploadMethod,
} from '../../shared/ipc/define.js';
import { EVENTS, METHODS } from '../../shared/ipc/methods.js';
import type { Backend } from '../app/backend.js';
import { WEBRTC_PAGE, WEBRTC_PAGE_RUN_PARAM } from '../../shared/webrtc/page-csp.js';
import { builtRenderer, type RendererSource, type RendererSourceFactory } from './renderer-source.js';

export const TOKEN_HEADER = 'x-sipladder-token';
/** Largest request body the API accepts, unless the method's entry allows more (maxBodyBytes). */
export const MAX_BODY_BYTES = 64 * 1024;

/** What the server needs of the backend: the table's methods and event streams. */
type WebBackend = Pick<Backend, keyof typeof METHODS | 'subscribe' | 'webrtcPageCsp'>;

export interface WebServer {
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

const send = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  res.end(text);
};
const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    throw Object.assign(new Error('request is not JSON'), { status: 400 });
  }
};
const readJson = async (req: http.IncomingMessage, limit: number): Promise<unknown> => parseJson((await readBody(req, limit)).toString('utf8'));
const readBody = (req: http.IncomingMessage, limit: number): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) reject(Object.assign(new Error(`request body over ${limit} bytes`), { status: 413 }));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
  });

/** The request body as it arrives, ending in an error (status 413) past `limit` bytes. */
async function* bodyUpTo(req: http.IncomingMessage, limit: number): AsyncGenerator<Uint8Array> {
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    if ((size += chunk.length) > limit) throw Object.assign(new Error(`capture over ${limit} bytes`), { status: 413 });
    yield chunk;
  }
}

/** All event streams on one server-sent-events response, each event named by its stream. */
function events(backend: WebBackend, req: http.IncomingMessage, res: http.ServerResponse): void {
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
  res.write(': connected\n\n');
  const offs = Object.keys(EVENTS).map((stream) =>
    backend.subscribe(stream as keyof typeof EVENTS, (e) => res.write(`event: ${stream}\ndata: ${JSON.stringify(e)}\n\n`)),
  );
  req.on('close', () => offs.forEach((off) => off()));
}

/** An upload's arguments (JSON in the query) after its file, which is the raw body, imported as it arrives. */
async function uploadArgs(method: UploadMethod, url: URL, req: http.IncomingMessage): Promise<unknown[]> {
  const declared = Number(req.headers['content-length']);
  if (declared > method.maxBytes) throw Object.assign(new Error(`file over ${method.maxBytes} bytes`), { status: 413 });
  const args = parseArgs(method, parseJson(url.searchParams.get('args') ?? '[]'));
  if (!args.ok) throw Object.assign(new Error(args.error), { status: 400 });
  return [{ bytes: bodyUpTo(req, method.maxBytes), declaredBytes: declared || undefined }, ...args.value];
}

async function callArgs(method: Method, req: http.IncomingMessage): Promise<unknown[]> {
  const args = parseArgs(method, await readJson(req, (method.kind === 'call' && method.maxBodyBytes) || MAX_BODY_BYTES));
  if (!args.ok) throw Object.assign(new Error(args.error), { status: 400 });
  return args.value;
}

/**
 * The page and its files. The page only comes with the token in its URL; the token then travels in
 * a meta tag to the page's script, never in a URL again.
 */
async function serveStatic(
  source: RendererSource,
  url: URL,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  tokenOk: (t: string | null) => boolean,
  webrtcPageCsp: (runId: string | null) => string | null,
): Promise<void> {
  const decoded = decodeURIComponent(url.pathname);
  if (decoded.split(/[/\\]/).includes('..') || decoded.includes('\0')) return send(res, 400, 'bad path');
  const rel = decoded === '/' ? 'index.html' : normalize(decoded).replace(/^([/\\])+/, '');
  if (rel === 'index.html') {
    const token = url.searchParams.get('token');
    if (!tokenOk(token)) return send(res, 403, 'Open the URL that `npm start` printed (it carries the access token).');
    const { html, csp } = await source.page(url);
    const page = html.replace('</head>', `<meta name="sipladder-token" content="${token}"></head>`);
    return send(res, 200, page, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': csp, 'Referrer-Policy': 'no-referrer' });
  }
  if (rel === WEBRTC_PAGE) {
    // The browser registration's page: no token (it calls no API), a CSP allowing only its run's WS/WSS server.
    const csp = webrtcPageCsp(url.searchParams.get(WEBRTC_PAGE_RUN_PARAM));
    if (!csp) return send(res, 404, 'no finished check with a WS or WSS server for this page');
    return send(res, 200, (await source.page(url)).html, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': csp,
      'Referrer-Policy': 'no-referrer',
    });
  }
  if (!(await source.file(rel, req, res))) send(res, 404, 'not found');
}

/** `renderer`: the built renderer's directory, or a source such as the dev server (renderer-source.ts). */
export async function startWebServer(backend: WebBackend, renderer: string | RendererSourceFactory, port = 0): Promise<WebServer> {
  const token = randomBytes(16).toString('hex');
  const tokenBytes = Buffer.from(token);
  let origins: Set<string> = new Set();
  let hosts: Set<string> = new Set();
  const tokenOk = (t: string | null | undefined): boolean => !!t && t.length === token.length && timingSafeEqual(Buffer.from(t), tokenBytes);

  // The handler answers every failure itself (catch below), so nothing it returns is left floating.
  const server = http.createServer((req, res) => void handle(req, res));
  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    // DNS rebinding: only our own host names; CSRF: only our own origin (browsers always send Origin on POST).
    if (!hosts.has(req.headers.host ?? '')) return send(res, 421, 'wrong Host');
    const origin = req.headers.origin;
    if (origin !== undefined && !origins.has(origin)) return send(res, 403, 'foreign Origin');
    if (req.headers['sec-fetch-site'] === 'cross-site') return send(res, 403, 'cross-site request');
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    try {
      if (url.pathname.startsWith('/api/')) {
        if (!tokenOk(req.headers[TOKEN_HEADER] as string | undefined)) return send(res, 403, { error: 'missing or wrong token' });
        return await api(url, req, res);
      }
      if (req.method !== 'GET') return send(res, 405, 'method not allowed');
      return await serveStatic(source, url, req, res, tokenOk, (runId) => backend.webrtcPageCsp(runId));
    } catch (e) {
      if (!res.headersSent) send(res, (e as { status?: number }).status ?? 400, { error: (e as Error).message }, { Connection: 'close' });
      // Stop reading whatever else the client sends once we have answered.
      res.on('finish', () => req.destroy());
    }
  }

  /** A method of the table: POST /api/<name> with its arguments as a JSON array (an upload: see uploadArgs). */
  async function api(url: URL, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (url.pathname === EVENTS_PATH && req.method === 'GET') return events(backend, req, res);
    const name = entryNamed(METHODS, url.pathname.slice(httpPathOf('').length));
    if (!name) return send(res, 404, { error: 'no such API' });
    if (req.method !== 'POST') return send(res, 405, { error: 'POST only' });
    const method: Method = METHODS[name];
    const args = method.kind === 'upload' ? await uploadArgs(method, url, req) : await callArgs(method, req);
    let answer: unknown;
    try {
      answer = await invokeImplementation(backend, name, args);
    } catch (e) {
      const status = HTTP_STATUS_OF_FAILURE[method.failure ?? 'unprocessable'];
      if (method.kind !== 'upload') return send(res, status, { error: (e as Error).message });
      // An upload that failed or was cancelled part way: the browser shows no answer until it has
      // sent the whole body (6 s of a 95 MB capture), so the connection is closed after the answer.
      res.on('finish', () => req.destroy());
      return send(res, status, { error: (e as Error).message }, { Connection: 'close' });
    }
    return send(res, 200, JSON.stringify(answer ?? null), { 'Content-Type': 'application/json' });
  }

  const source = typeof renderer === 'string' ? builtRenderer(renderer) : await renderer(server);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  const actual = (server.address() as import('node:net').AddressInfo).port;
  hosts = new Set([`127.0.0.1:${actual}`, `localhost:${actual}`]);
  origins = new Set([...hosts].map((h) => `http://${h}`));
  return {
    url: `http://127.0.0.1:${actual}/?token=${token}`,
    token,
    port: actual,
    close: async () => {
      await source.close();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
