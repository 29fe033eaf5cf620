// The Electron shell against fake Electron modules: security defaults, CSP, navigation and window
// denial, https-only external links, IPC argument validation, and a narrow preload API.
import { describe, expect, it } from 'vitest';
import { CHANNELS, type RunEvent } from '../../shared/ipc/contract.js';
import type { MainElectronLike, MenuItemLike, PreloadElectronLike, WebContentsLike, WebPreferencesLike } from '../../electron/shell/electron-like.js';
import { externalUrlAllowed, startShell } from '../../electron/shell/main.js';
import { exposeApi } from '../../electron/shell/preload.js';
import type { Backend } from '../../electron/app/backend.js';

function fakeElectron() {
  const handlers = new Map<string, (event: { sender: WebContentsLike }, ...args: unknown[]) => unknown>();
  const opened: string[] = [];
  const sent: unknown[] = [];
  let prefs: WebPreferencesLike | undefined;
  let openHandler: ((d: { url: string }) => { action: string }) | undefined;
  let navigate: ((e: { preventDefault(): void }, url: string) => void) | undefined;
  let openFile: ((e: { preventDefault(): void }, path: string) => void) | undefined;
  let menu: MenuItemLike[] = [];
  let headers: ((d: { responseHeaders?: Record<string, string[]> }, cb: (r: { responseHeaders: Record<string, string[]> }) => void) => void) | undefined;
  const webContents: WebContentsLike = {
    setWindowOpenHandler: (h) => void (openHandler = h),
    on: (_e, l) => void (navigate = l),
    send: (_c, ...args) => void sent.push(args[0]),
    session: { webRequest: { onHeadersReceived: (l) => void (headers = l) } },
  };
  const electron: MainElectronLike = {
    app: { whenReady: async () => undefined, on: (e: string, l: unknown) => void (e === 'open-file' && (openFile = l as typeof openFile)), quit: () => undefined, getPath: () => '/tmp' },
    BrowserWindow: class {
      webContents = webContents;
      constructor(o: { webPreferences: WebPreferencesLike }) {
        prefs = o.webPreferences;
      }
      async loadFile(): Promise<void> {}
    },
    ipcMain: { handle: (c, h) => void handlers.set(c, h) },
    shell: { openExternal: async (u) => void opened.push(u) },
    safeStorage: { isEncryptionAvailable: () => false, encryptString: () => Buffer.alloc(0), decryptString: () => '' },
    Menu: { buildFromTemplate: (t) => t, setApplicationMenu: (m) => void (menu = m as MenuItemLike[]) },
    dialog: { showOpenDialog: async () => ({ canceled: false, filePaths: ['/picked/capture.pcap'] }) },
  };
  return { electron, handlers, opened, sent, webContents, get prefs() { return prefs; }, get openHandler() { return openHandler!; }, get navigate() { return navigate!; }, get headers() { return headers!; }, get openFile() { return openFile!; }, get menu() { return menu; } };
}

function fakeBackend(): Backend & { emit(e: RunEvent): void; started: unknown[]; presented: string[] } {
  const presented: string[] = [];
  const listeners = new Set<(e: RunEvent) => void>();
  const started: unknown[] = [];
  return {
    started,
    presented,
    presentFile: async (b) => void presented.push(b),
    startCheck: (o) => (started.push(o), '0123456789abcdef'),
    cancelCheck: () => true,
    startDemo: async () => ({ server: '127.0.0.1', ports: { udp: 1, tcp: 1 }, user: 'u', password: 'p', blockedSourcePort: 2 }),
    subscribe: (l) => (listeners.add(l), () => void listeners.delete(l)),
    emit: (e) => listeners.forEach((l) => l(e)),
    close: async () => undefined,
    listAccounts: async () => ({ accounts: [], canStorePasswords: false }),
    saveAccount: async (a) => ({ ...a, id: 'abcdefabcdef', hasPassword: false }),
    deleteAccount: async () => undefined,
    accountPassword: async () => null,
    exportBundle: async () => ({ fileName: 'b.sipladder', base64: '', replacements: [] }),
    openBundle: async () => { throw new Error('not in this test'); },
    importCapture: async () => { throw new Error('not in this test'); },
    captureMessages: async () => { throw new Error('not in this test'); },
  };
}

const PATHS = { preload: '/p.cjs', indexHtml: '/i.html', readFile: async (f: string) => new TextEncoder().encode(`bundle bytes of ${f}`), argv: ['electron', 'main.mjs'] };

describe('Electron main', () => {
  it('presents a bundle given on the command line (file association) or by the OS open-file event', async () => {
    const f = fakeElectron();
    const backend = fakeBackend();
    await startShell(f.electron, backend, { ...PATHS, argv: ['electron', 'main.mjs', '--flag', '/home/u/ticket.sipladder'] });
    let prevented = false;
    f.openFile({ preventDefault: () => (prevented = true) }, '/Users/u/other.sipladder');
    await new Promise((r) => setImmediate(r));
    expect(prevented).toBe(true);
    expect(backend.presented.map((b) => Buffer.from(b, 'base64').toString())).toEqual(['bundle bytes of /home/u/ticket.sipladder', 'bundle bytes of /Users/u/other.sipladder']);
    // File → Open… picks a file and presents it too.
    const open = f.menu[0]!.submenu!.find((i) => i.accelerator === 'CmdOrCtrl+O')!;
    open.click!();
    await new Promise((r) => setTimeout(r, 10));
    expect(Buffer.from(backend.presented[2]!, 'base64').toString()).toBe('bundle bytes of /picked/capture.pcap');
  });

  it('opens the window with contextIsolation, sandbox, no nodeIntegration, and a strict CSP', async () => {
    const f = fakeElectron();
    await startShell(f.electron, fakeBackend(), PATHS);
    expect(f.prefs).toEqual({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, preload: '/p.cjs' });
    let out: Record<string, string[]> = {};
    f.headers({ responseHeaders: {} }, (r) => (out = r.responseHeaders));
    expect(out['Content-Security-Policy']![0]).toMatch(/^default-src 'none'; script-src 'self'/);
  });

  it('denies new windows and navigation, and opens only https links outside', async () => {
    const f = fakeElectron();
    await startShell(f.electron, fakeBackend(), PATHS);
    expect(f.openHandler({ url: 'https://example.com/help' })).toEqual({ action: 'deny' });
    expect(f.openHandler({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(f.openHandler({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(f.opened).toEqual(['https://example.com/help']);
    let prevented = false;
    f.navigate({ preventDefault: () => (prevented = true) }, 'https://evil.example');
    expect(prevented).toBe(true);
    expect(['http://x', 'ftp://x', 'not a url'].map(externalUrlAllowed)).toEqual([false, false, false]);
  });

  it('validates every IPC argument before the engine sees it, and forwards run events', async () => {
    const f = fakeElectron();
    const backend = fakeBackend();
    await startShell(f.electron, backend, PATHS);
    const call = (c: string, arg: unknown) => Promise.resolve().then(() => f.handlers.get(c)!({ sender: f.webContents }, arg));
    await expect(call(CHANNELS.startCheck, { server: 'bad host', user: 'a', transports: ['udp'] })).rejects.toThrow(/invalid argument: .*not a valid host/);
    await expect(call(CHANNELS.startCheck, '{"server":"x"}')).rejects.toThrow(/must be an object/);
    await expect(call(CHANNELS.cancelCheck, { $gt: '' })).rejects.toThrow(/runId/);
    await expect(call(CHANNELS.startDemo, '../../x')).rejects.toThrow(/scenario/);
    await expect(call(CHANNELS.saveAccount, { name: 'x', server: 'bad host', user: 'u', transports: ['udp'] })).rejects.toThrow(/server/);
    await expect(call(CHANNELS.accountPassword, '../secrets')).rejects.toThrow(/account id/);
    await expect(call(CHANNELS.exportBundle, { runId: 'x', pseudonymise: null })).rejects.toThrow(/runId/);
    await expect(call(CHANNELS.exportBundle, { runId: '0123456789abcdef', pseudonymise: { users: 'yes' } })).rejects.toThrow(/pseudonymise/);
    await expect(call(CHANNELS.openBundle, 'not base64 !!')).rejects.toThrow(/base64/);
    expect(backend.started).toEqual([]);
    expect(await call(CHANNELS.startCheck, { server: 'sip.example.com', user: 'alice', transports: ['udp'] })).toEqual({ runId: '0123456789abcdef' });
    backend.emit({ runId: '0123456789abcdef', type: 'failed', message: 'x' });
    expect(f.sent).toEqual([{ runId: '0123456789abcdef', type: 'failed', message: 'x' }]);
  });
});

describe('preload', () => {
  it('exposes only the contract API, never ipcRenderer', async () => {
    const exposed: Record<string, unknown> = {};
    const invoked: Array<[string, unknown]> = [];
    const listeners = new Map<string, (e: unknown, p: unknown) => void>();
    const electron: PreloadElectronLike = {
      contextBridge: { exposeInMainWorld: (k, api) => void (exposed[k] = api) },
      ipcRenderer: { invoke: async (c, a) => (invoked.push([c, a]), { runId: 'r' }), on: (c, l) => void listeners.set(c, l), removeListener: (c) => void listeners.delete(c) },
    };
    exposeApi(electron);
    const api = exposed.sipladder as Record<string, unknown>;
    expect(Object.keys(exposed)).toEqual(['sipladder']);
    expect(Object.keys(api).sort()).toEqual(['accountPassword', 'cancelCheck', 'captureMessages', 'deleteAccount', 'exportBundle', 'importCapture', 'listAccounts', 'onRunEvent', 'openBundle', 'saveAccount', 'startCheck', 'startDemo']);
    expect(Object.values(api).every((v) => typeof v === 'function')).toBe(true);
    await (api.startCheck as (o: unknown) => Promise<unknown>)({ server: 's' });
    expect(invoked).toEqual([[CHANNELS.startCheck, { server: 's' }]]);
    const got: unknown[] = [];
    const off = (api.onRunEvent as (l: (e: unknown) => void) => () => void)((e) => got.push(e));
    listeners.get(CHANNELS.runEvent)!({}, { runId: 'r', type: 'failed', message: 'm' });
    off();
    expect(got).toHaveLength(1);
    expect(listeners.has(CHANNELS.runEvent)).toBe(false);
  });
});
