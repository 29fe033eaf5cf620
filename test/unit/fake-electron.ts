// A fake of the slice of Electron the shell uses (electron/shell/electron-like.ts) that records what
// the shell registered, and a fake backend that, like createBackend, replays the last presented
// file to a listener that subscribes later. Each fake window's renderer side is the real preload
// wired to the recorded ipcMain handlers, so a test drives the shell the way a page does.
import type { Backend } from '../../electron/app/backend.js';
import { APP_INDEX_URL } from '../../electron/shell/app-protocol.js';
import type {
  IpcEventLike,
  MainElectronLike,
  MenuItemLike,
  PrivilegedScheme,
  SessionLike,
  WebContentsLike,
  WebPreferencesLike,
} from '../../electron/shell/electron-like.js';
import { preloadApi } from '../../electron/shell/preload.js';
import type { RunEvent, SipLadderApi } from '../../shared/ipc/contract.js';
import { channelOf } from '../../shared/ipc/define.js';

type Listener = (...args: never[]) => unknown;
type IpcHandler = (event: IpcEventLike, ...args: unknown[]) => unknown;

export interface FakeWebContents extends WebContentsLike {
  listeners: Map<string, Listener>;
  received: RunEvent[];
  openHandler?: (d: { url: string }) => { action: 'deny' | 'allow' };
  destroy(): void;
}

export interface FakeSession extends SessionLike {
  request?: Parameters<SessionLike['setPermissionRequestHandler']>[0];
  check?: Parameters<SessionLike['setPermissionCheckHandler']>[0];
}

export function fakeElectron(o: { singleInstance?: boolean } = {}) {
  const handlers = new Map<string, IpcHandler>();
  const appListeners = new Map<string, Listener>();
  const session: FakeSession = { setPermissionRequestHandler: (h) => void (session.request = h), setPermissionCheckHandler: (h) => void (session.check = h) };
  const contents: FakeWebContents[] = [];
  const windows: Array<{ prefs: WebPreferencesLike; loaded: string[]; focused: number }> = [];
  const protocol = {
    privileged: [] as PrivilegedScheme[],
    registeredWhileReady: [] as boolean[],
    handlers: new Map<string, (r: Request) => Promise<Response>>(),
  };
  const state = { ready: false, quit: 0, menu: [] as MenuItemLike[], opened: [] as string[] };

  /** A web contents as Electron makes one: 'web-contents-created' fires as it is created. */
  const createContents = (): FakeWebContents => {
    const listeners = new Map<string, Listener>();
    const wc: FakeWebContents = {
      listeners,
      received: [],
      session,
      setWindowOpenHandler: (h) => void (wc.openHandler = h),
      on: (event: string, l: Listener) => void listeners.set(event, l),
      send: (channel, payload) => void (channel === channelOf('runEvent') && wc.received.push(payload as RunEvent)),
      destroy: () => (listeners.get('destroyed') as (() => void) | undefined)?.(),
    };
    contents.push(wc);
    (appListeners.get('web-contents-created') as ((e: unknown, c: WebContentsLike) => void) | undefined)?.({}, wc);
    return wc;
  };

  const electron: MainElectronLike = {
    app: {
      whenReady: async () => void (state.ready = true),
      requestSingleInstanceLock: () => o.singleInstance ?? true,
      on: (event: string, l: Listener) => void appListeners.set(event, l),
      quit: () => void state.quit++,
      getPath: () => '/tmp',
    },
    BrowserWindow: class {
      webContents = createContents();
      private readonly record: (typeof windows)[number];
      constructor(opts: { webPreferences: WebPreferencesLike }) {
        this.record = { prefs: opts.webPreferences, loaded: [], focused: 0 };
        windows.push(this.record);
      }
      async loadURL(url: string): Promise<void> {
        this.record.loaded.push(url);
      }
      focus(): void {
        this.record.focused++;
      }
    },
    ipcMain: { handle: (c, h) => void handlers.set(c, h) },
    protocol: {
      registerSchemesAsPrivileged: (s) => void (protocol.privileged.push(...s), protocol.registeredWhileReady.push(state.ready)),
      handle: (scheme, h) => void protocol.handlers.set(scheme, h),
    },
    shell: { openExternal: async (u) => void state.opened.push(u) },
    safeStorage: { isEncryptionAvailable: () => false, encryptString: () => Buffer.alloc(0), decryptString: () => '' },
    Menu: { buildFromTemplate: (t) => t, setApplicationMenu: (m) => void (state.menu = m as MenuItemLike[]) },
    dialog: { showOpenDialog: async () => ({ canceled: false, filePaths: ['/picked/capture.pcap'] }) },
  };

  /** The page's side of a web contents: the real preload API over the recorded handlers. */
  const pageApi = (wc: FakeWebContents): SipLadderApi => {
    const pageListeners = new Map<string, (e: unknown, payload: unknown) => void>();
    const send = wc.send;
    wc.send = (channel, payload) => {
      send(channel, payload);
      pageListeners.get(channel)?.({}, payload);
    };
    return preloadApi({
      invoke: async (channel, ...args) => handlers.get(channel)!(fromPage(wc), ...args),
      on: (channel, l) => void pageListeners.set(channel, l),
      removeListener: (channel) => void pageListeners.delete(channel),
    });
  };
  const emitApp = (event: string, ...args: unknown[]): void => (appListeners.get(event) as ((...a: unknown[]) => void) | undefined)?.(...args);
  return { electron, handlers, session, contents, windows, protocol, state, createContents, pageApi, emitApp };
}

/** An IPC event from the app's page in a web contents. */
export const fromPage = (wc: WebContentsLike, url = APP_INDEX_URL): IpcEventLike => ({ sender: wc, senderFrame: { url } });

export function fakeBackend(): Backend & { emit(e: RunEvent): void; started: unknown[]; savedStarts: Array<[unknown, string]>; presented: string[] } {
  const presented: string[] = [];
  const listeners = new Set<(e: RunEvent) => void>();
  let last: RunEvent | null = null;
  const started: unknown[] = [];
  const savedStarts: Array<[unknown, string]> = [];
  const emit = (e: RunEvent): void => listeners.forEach((l) => l(e));
  return {
    started,
    savedStarts,
    presented,
    emit,
    presentFile: async (b, name) => {
      presented.push(b);
      last = { runId: '', type: 'bundle-opened', bundle: { createdAt: name, appVersion: Buffer.from(b, 'base64').toString(), pseudonymised: false } as never };
      emit(last);
    },
    startCheck: async (options, id) =>
      id === undefined ? (started.push(options), { runId: '0123456789abcdef' }) : (savedStarts.push([options, id]), { runId: 'fedcba9876543210' }),
    startAudit: async () => ({ runId: 'a0a0a0a0a0a0a0a0' }),
    cancelCheck: () => true,
    startDemo: async () => ({ server: '127.0.0.1', ports: { udp: 1, tcp: 1 }, user: 'u', password: 'p', blockedSourcePort: 2 }),
    subscribe: (_stream, l) => {
      listeners.add(l);
      if (last) l(last);
      return () => void listeners.delete(l);
    },
    close: async () => undefined,
    listAccounts: async () => ({ accounts: [], canStorePasswords: false }),
    saveAccount: async (a) => ({ ...a, id: 'abcdefabcdef', hasPassword: false }),
    deleteAccount: async () => undefined,
    exportBundle: async () => ({ fileName: 'b.sipladder', base64: '', replacements: [] }),
    openBundle: async () => {
      throw new Error('not in this test');
    },
    importCapture: async () => {
      throw new Error('not in this test');
    },
    captureMessages: async () => {
      throw new Error('not in this test');
    },
    startRing: () => ({ runId: 'ring-1' }),
    historyList: async () => [],
    historyOpen: async () => {
      throw new Error('not in this test');
    },
    historyExport: async () => {
      throw new Error('not in this test');
    },
    historyCompare: async () => {
      throw new Error('not in this test');
    },
    startWatch: async () => ({ watchId: '0123456789abcdef' }),
    stopWatch: () => false,
    cancelRing: () => false,
    webrtcGrant: () => false,
    webrtcPageCsp: () => null,
    webrtcSettle: () => undefined,
    webrtcAttach: async () => {
      throw new Error('not in this test');
    },
  };
}

/** Resolves after pending promise callbacks and one turn of the event loop (file reads of the fake are promises). */
export const settle = (): Promise<void> => new Promise((r) => setImmediate(r));
