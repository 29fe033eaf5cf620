// The Electron main process: one window with Electron's security defaults (contextIsolation,
// sandbox, no nodeIntegration), the UI from app:// under a strict CSP (app-protocol.ts), every web
// contents guarded (guard.ts); IPC handlers that validate every argument from the renderer; and run
// events — bundles and captures opened from the OS or the menu among them — sent to every window
// that listens, whether or not it started anything.
import { CHANNELS, checkAccountId, checkAccountInput, checkBundleBase64, checkCaptureBytes, checkCaptureMessages, checkCaptureName, checkDemoScenario, checkExportRequest, checkRunId, checkStartCheck } from '../../shared/ipc/contract.js';
import type { Backend } from '../app/backend.js';
import type { WebBackend } from '../web/server.js';
import { APP_INDEX_URL, APP_SCHEME, APP_SCHEME_PRIVILEGES, appProtocolHandler, isAppUrl } from './app-protocol.js';
import type { BrowserWindowLike, MainElectronLike, WebContentsLike } from './electron-like.js';
import { guardWebContents } from './guard.js';

export interface ShellPaths {
  preload: string;
  /** The built renderer (index.html and its assets), served as app://sipladder/. */
  rendererDir: string;
  readFile(path: string): Promise<Uint8Array>;
  argv: string[];
}

export const WINDOW_PREFERENCES = { contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true } as const;

/** Subscribes a window to run events once (the backend replays a bundle opened before it asked), until it is destroyed. */
function windowEvents(backend: WebBackend): (wc: WebContentsLike) => void {
  const subscribed = new Map<WebContentsLike, () => void>();
  return (wc) => {
    if (subscribed.has(wc)) return;
    subscribed.set(wc, backend.subscribe((e) => wc.send(CHANNELS.runEvent, e)));
    wc.on('destroyed', () => {
      subscribed.get(wc)?.();
      subscribed.delete(wc);
    });
  };
}

/** ipcMain.handle for the app's own pages only: a call from any other frame (a subframe, a page navigated elsewhere) is refused. */
function appIpc(electron: MainElectronLike): Pick<MainElectronLike['ipcMain'], 'handle'> {
  return {
    handle: (channel, handler) => electron.ipcMain.handle(channel, (event, ...args) => {
      if (!isAppUrl(event.senderFrame?.url)) throw new Error(`refused: ${channel} from a frame that is not the app's page`);
      return handler(event, ...args);
    }),
  };
}

export function registerIpc(electron: MainElectronLike, backend: Backend): void {
  const ipc = appIpc(electron);
  const subscribe = windowEvents(backend);
  ipc.handle(CHANNELS.subscribeEvents, (event) => void subscribe(event.sender));
  const refuse = (error: string): never => {
    throw new Error(`invalid argument: ${error}`);
  };
  ipc.handle(CHANNELS.startCheck, async (_event, arg, savedAccountId) => {
    const v = checkStartCheck(arg);
    if (!v.ok) return refuse(v.error);
    if (savedAccountId === undefined) return { runId: backend.startCheck(v.value) };
    const id = checkAccountId(savedAccountId);
    return id.ok ? { runId: await backend.startSavedCheck(v.value, id.value) } : refuse(id.error);
  });
  ipc.handle(CHANNELS.cancelCheck, (_event, arg) => {
    const v = checkRunId(arg);
    if (!v.ok) return refuse(v.error);
    backend.cancelCheck(v.value);
    return undefined;
  });
  ipc.handle(CHANNELS.startDemo, (_event, arg) => {
    const v = checkDemoScenario(arg);
    if (!v.ok) return refuse(v.error);
    return backend.startDemo(v.value);
  });
  ipc.handle(CHANNELS.exportBundle, (_e, arg) => {
    const v = checkExportRequest(arg);
    return v.ok ? backend.exportBundle(v.value.runId, v.value.pseudonymise) : refuse(v.error);
  });
  ipc.handle(CHANNELS.openBundle, (_e, arg) => {
    const v = checkBundleBase64(arg);
    return v.ok ? backend.openBundle(v.value) : refuse(v.error);
  });
  ipc.handle(CHANNELS.importCapture, (_e, arg, name) => {
    const v = checkCaptureBytes(arg);
    const n = checkCaptureName(name);
    return v.ok && n.ok ? backend.importCapture(v.value, n.value) : refuse(!v.ok ? v.error : (n as { error: string }).error);
  });
  ipc.handle(CHANNELS.captureMessages, (_e, arg) => {
    const v = checkCaptureMessages(arg);
    return v.ok ? backend.captureMessages(v.value.importId, v.value.seqs) : refuse(v.error);
  });
  ipc.handle(CHANNELS.listAccounts, () => backend.listAccounts());
  ipc.handle(CHANNELS.saveAccount, (_e, arg) => {
    const v = checkAccountInput(arg);
    return v.ok ? backend.saveAccount(v.value) : refuse(v.error);
  });
  ipc.handle(CHANNELS.deleteAccount, (_e, arg) => {
    const v = checkAccountId(arg);
    return v.ok ? backend.deleteAccount(v.value) : refuse(v.error);
  });
}

/** A .sipladder file among the process arguments (file association on Linux and Windows). */
export function bundleArgument(argv: string[]): string | undefined {
  return argv.slice(1).find((a) => a.toLowerCase().endsWith('.sipladder') && !a.startsWith('-'));
}

export const OPEN_FILTERS = [{ name: 'Bundles and captures', extensions: ['sipladder', 'pcap', 'pcapng', 'cap', 'txt'] }];

function setMenu(electron: MainElectronLike, win: BrowserWindowLike, present: (file: string) => void): void {
  electron.Menu.setApplicationMenu(electron.Menu.buildFromTemplate([
    { label: 'File', submenu: [
      { label: 'Open Bundle or Capture…', accelerator: 'CmdOrCtrl+O', click: () => void electron.dialog.showOpenDialog(win, { properties: ['openFile'], filters: OPEN_FILTERS })
        .then((r) => !r.canceled && r.filePaths[0] && present(r.filePaths[0])) },
      { role: 'quit' },
    ] },
    { label: 'Edit', submenu: [{ role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }] },
  ]));
}

/** Runs the shell; called before the app is ready, so no file the OS opens early is missed. */
export async function startShell(electron: MainElectronLike, backend: Backend, paths: ShellPaths): Promise<void> {
  // One instance: a file double-clicked while the app runs arrives as 'second-instance' in the first.
  if (!electron.app.requestSingleInstanceLock()) return electron.app.quit();
  // Every window listens (see windowEvents), and the backend replays the last opened file to a
  // window that subscribes later, so a file may be presented before any window exists.
  const present = (file: string): void => {
    void paths.readFile(file).then((bytes) => backend.presentFile(Buffer.from(bytes).toString('base64'), file)).catch(() => undefined);
  };
  let win: BrowserWindowLike | undefined;
  electron.protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
  electron.app.on('web-contents-created', (_e, contents) => guardWebContents(contents, electron.shell));
  // macOS delivers files opened from Finder as events, possibly before the app is ready.
  electron.app.on('open-file', (e, file) => {
    e.preventDefault();
    present(file);
  });
  electron.app.on('second-instance', (_e, argv) => {
    const file = bundleArgument(argv);
    if (file) present(file);
    win?.focus();
  });
  const file = bundleArgument(paths.argv);
  if (file) present(file);
  await electron.app.whenReady();
  electron.protocol.handle(APP_SCHEME, appProtocolHandler(paths.rendererDir, paths.readFile));
  registerIpc(electron, backend);
  win = new electron.BrowserWindow({ width: 1280, height: 900, title: 'SIP Ladder', webPreferences: { ...WINDOW_PREFERENCES, preload: paths.preload } });
  setMenu(electron, win, present);
  electron.app.on('window-all-closed', () => {
    void backend.close().finally(() => electron.app.quit());
  });
  await win.loadURL(APP_INDEX_URL);
}
