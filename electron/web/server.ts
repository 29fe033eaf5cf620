// Browser mode: the same UI and contract over HTTP on 127.0.0.1. A random per-run token guards the
// API; Host and Origin are checked so other sites (CSRF) and DNS rebinding cannot reach it.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import { extname, join, normalize } from 'node:path';
import {
  checkAccountId, checkAccountInput, checkBundleBase64, checkCaptureMessages, checkCaptureName, checkDemoScenario, checkExportRequest, checkRunId, checkStartCheck, MAX_BUNDLE_BASE64, MAX_CAPTURE_BYTES,
  type AccountInput, type CaptureMessage, type DemoInfo, type DemoScenario, type ExportedBundle, type OpenedBundleView, type RunEvent, type SavedAccount,
} from '../../shared/ipc/contract.js';
import type { PseudonymOptions } from '../../shared/bundle/redact.js';
import type { CheckOptions } from '../../shared/model/check-options.js';
import { CSP } from '../../shared/ipc/csp.js';

export const TOKEN_HEADER = 'x-sipladder-token';
/** Largest request body the API accepts. */
export const MAX_BODY_BYTES = 64 * 1024;

export interface WebBackend {
  startCheck(options: CheckOptions): string;
  cancelCheck(runId: string): boolean;
  startDemo(scenario: DemoScenario): Promise<DemoInfo>;
  listAccounts(): Promise<{ accounts: SavedAccount[]; canStorePasswords: boolean }>;
  saveAccount(a: AccountInput): Promise<SavedAccount>;
  deleteAccount(id: string): Promise<void>;
  exportBundle(runId: string, pseudonymise: PseudonymOptions | null): Promise<ExportedBundle>;
  openBundle(base64: string): Promise<OpenedBundleView>;
  /** A capture in memory, or streamed (imported while it arrives; `totalBytes` for progress). */
  importCapture(source: Uint8Array | AsyncIterable<Uint8Array>, name: string, totalBytes?: number): Promise<OpenedBundleView>;
  captureMessages(importId: string, seqs: number[]): Promise<CaptureMessage[]>;
  /** Subscribes to run events; returns the unsubscribe function. */
  subscribe(listener: (e: RunEvent) => void): () => void;
}

export interface WebServer {
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json' };

export async function startWebServer(backend: WebBackend, staticDir: string, port = 0): Promise<WebServer> {
  const token = randomBytes(16).toString('hex');
  const tokenBytes = Buffer.from(token);
  let origins: Set<string> = new Set();
  let hosts: Set<string> = new Set();
  const tokenOk = (t: string | null | undefined): boolean => !!t && t.length === token.length && timingSafeEqual(Buffer.from(t), tokenBytes);

  const send = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', ...headers });
    res.end(text);
  };
  const readJson = async (req: http.IncomingMessage, limit = MAX_BODY_BYTES): Promise<unknown> => {
    try {
      return JSON.parse((await readBody(req, limit)).toString('utf8') || 'null');
    } catch (e) {
      throw (e as { status?: number }).status ? e : new Error('request body is not JSON');
    }
  };
  const readBody = (req: http.IncomingMessage, limit: number): Promise<Buffer> => new Promise((resolve, reject) => {
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

  const server = http.createServer(async (req, res) => {
    // DNS rebinding: only our own host names; CSRF: only our own origin (browsers always send Origin on POST).
    if (!hosts.has(req.headers.host ?? '')) return send(res, 421, 'wrong Host');
    const origin = req.headers.origin;
    if (origin !== undefined && !origins.has(origin)) return send(res, 403, 'foreign Origin');
    if (req.headers['sec-fetch-site'] === 'cross-site') return send(res, 403, 'cross-site request');
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    try {
      if (url.pathname.startsWith('/api/')) {
        if (!tokenOk(req.headers[TOKEN_HEADER] as string | undefined)) return send(res, 403, { error: 'missing or wrong token' });
        return await api(url.pathname, req, res);
      }
      if (req.method !== 'GET') return send(res, 405, 'method not allowed');
      return await serveStatic(url, res);
    } catch (e) {
      if (!res.headersSent) send(res, (e as { status?: number }).status ?? 400, { error: (e as Error).message }, { Connection: 'close' });
      // Stop reading whatever else the client sends once we have answered.
      res.on('finish', () => req.destroy());
    }
  });

  async function api(path: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (path === '/api/events' && req.method === 'GET') {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
      res.write(': connected\n\n');
      const off = backend.subscribe((e) => res.write(`data: ${JSON.stringify(e)}\n\n`));
      req.on('close', off);
      return;
    }
    if (req.method !== 'POST') return send(res, 405, { error: 'POST only' });
    if (path === '/api/capture/import') {
      // The capture's raw bytes as the body, its name in the query (no base64, no JSON: see the contract).
      const n = checkCaptureName(new URL(req.url ?? '/', 'http://local').searchParams.get('name'));
      if (!n.ok) return send(res, 400, { error: n.error });
      const declared = Number(req.headers['content-length']);
      if (declared > MAX_CAPTURE_BYTES) return send(res, 413, { error: `capture over ${MAX_CAPTURE_BYTES} bytes` });
      try {
        // Imported as it arrives: the upload and the import overlap.
        return send(res, 200, await backend.importCapture(bodyUpTo(req, MAX_CAPTURE_BYTES), n.value, declared || undefined));
      } catch (e) {
        return send(res, 422, { error: (e as Error).message });
      }
    }
    // Only opening a bundle may send a large body.
    const body = await readJson(req, path === '/api/bundle/open' ? MAX_BUNDLE_BASE64 + 1024 : MAX_BODY_BYTES);
    if (path === '/api/check') {
      const v = checkStartCheck(body);
      if (!v.ok) return send(res, 400, { error: v.error });
      try {
        return send(res, 200, { runId: backend.startCheck(v.value) });
      } catch (e) {
        return send(res, 429, { error: (e as Error).message });
      }
    }
    if (path === '/api/cancel') {
      const v = checkRunId((body as { runId?: unknown } | null)?.runId);
      if (!v.ok) return send(res, 400, { error: v.error });
      return send(res, 200, { cancelled: backend.cancelCheck(v.value) });
    }
    if (path === '/api/demo') {
      const v = checkDemoScenario((body as { scenario?: unknown } | null)?.scenario);
      if (!v.ok) return send(res, 400, { error: v.error });
      return send(res, 200, await backend.startDemo(v.value));
    }
    if (path === '/api/accounts/list') return send(res, 200, await backend.listAccounts());
    if (path === '/api/accounts/save') {
      const v = checkAccountInput(body);
      return v.ok ? send(res, 200, await backend.saveAccount(v.value)) : send(res, 400, { error: v.error });
    }
    if (path === '/api/accounts/delete') {
      const v = checkAccountId((body as { id?: unknown } | null)?.id);
      if (!v.ok) return send(res, 400, { error: v.error });
      return send(res, 200, { deleted: (await backend.deleteAccount(v.value), true) });
    }
    if (path === '/api/bundle/export') {
      const v = checkExportRequest(body);
      if (!v.ok) return send(res, 400, { error: v.error });
      return send(res, 200, await backend.exportBundle(v.value.runId, v.value.pseudonymise));
    }
    if (path === '/api/capture/messages') {
      const v = checkCaptureMessages(body);
      if (!v.ok) return send(res, 400, { error: v.error });
      try {
        return send(res, 200, await backend.captureMessages(v.value.importId, v.value.seqs));
      } catch (e) {
        return send(res, 404, { error: (e as Error).message });
      }
    }
    if (path === '/api/bundle/open') {
      const v = checkBundleBase64((body as { base64?: unknown } | null)?.base64);
      if (!v.ok) return send(res, 400, { error: v.error });
      try {
        return send(res, 200, await backend.openBundle(v.value));
      } catch (e) {
        return send(res, 422, { error: (e as Error).message });
      }
    }
    return send(res, 404, { error: 'no such API' });
  }

  async function serveStatic(url: URL, res: http.ServerResponse): Promise<void> {
    const decoded = decodeURIComponent(url.pathname);
    if (decoded.split(/[/\\]/).includes('..') || decoded.includes('\0')) return send(res, 400, 'bad path');
    const rel = decoded === '/' ? 'index.html' : normalize(decoded).replace(/^([/\\])+/, '');
    if (rel === 'index.html') {
      // The page only comes with the token in its URL; the token then travels in a meta tag.
      if (!tokenOk(url.searchParams.get('token'))) return send(res, 403, 'Open the URL that `npm start` printed (it carries the access token).');
      const html = (await readFile(join(staticDir, 'index.html'), 'utf8')).replace('</head>', `<meta name="sipladder-token" content="${token}"></head>`);
      return send(res, 200, html, { 'Content-Type': TYPES['.html']!, 'Content-Security-Policy': CSP, 'Referrer-Policy': 'no-referrer' });
    }
    try {
      const data = await readFile(join(staticDir, rel));
      res.writeHead(200, { 'Content-Type': TYPES[extname(rel)] ?? 'application/octet-stream', 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache' });
      res.end(data);
    } catch {
      send(res, 404, 'not found');
    }
  }

  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  const actual = (server.address() as import('node:net').AddressInfo).port;
  hosts = new Set([`127.0.0.1:${actual}`, `localhost:${actual}`]);
  origins = new Set([...hosts].map((h) => `http://${h}`));
  return {
    url: `http://127.0.0.1:${actual}/?token=${token}`, token, port: actual,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
