// The Electron main process: one window with Electron's security defaults (contextIsolation,
// sandbox, no nodeIntegration), a strict CSP, no new windows or navigation, https links only
// opened outside; IPC handlers that validate every argument from the renderer.
import { CHANNELS, checkAccountId, checkAccountInput, checkBundleBase64, checkCaptureBytes, checkCaptureMessages, checkCaptureName, checkDemoScenario, checkExportRequest, checkRunId, checkStartCheck } from '../../shared/ipc/contract.js';
import type { Backend } from '../app/backend.js';
import type { WebBackend } from '../web/server.js';
import { CSP } from '../web/server.js';
import type { MainElectronLike, WebContentsLike } from './electron-like.js';

export interface ShellPaths {
  preload: string;
  indexHtml: string;
}

export const WINDOW_PREFERENCES = { contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true } as const;

/** Only https links leave the app, and only to the system browser. */
export function externalUrlAllowed(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}

export function registerIpc(electron: MainElectronLike, backend: WebBackend): void {
  const watchers = new Set<WebContentsLike>();
  backend.subscribe((e) => watchers.forEach((w) => w.send(CHANNELS.runEvent, e)));
  const refuse = (error: string): never => {
    throw new Error(`invalid argument: ${error}`);
  };
  electron.ipcMain.handle(CHANNELS.startCheck, (event, arg) => {
    const v = checkStartCheck(arg);
    if (!v.ok) return refuse(v.error);
    watchers.add(event.sender);
    return { runId: backend.startCheck(v.value) };
  });
  electron.ipcMain.handle(CHANNELS.cancelCheck, (_event, arg) => {
    const v = checkRunId(arg);
    if (!v.ok) return refuse(v.error);
    backend.cancelCheck(v.value);
    return undefined;
  });
  electron.ipcMain.handle(CHANNELS.startDemo, (event, arg) => {
    const v = checkDemoScenario(arg);
    if (!v.ok) return refuse(v.error);
    watchers.add(event.sender);
    return backend.startDemo(v.value);
  });
  electron.ipcMain.handle(CHANNELS.exportBundle, (_e, arg) => {
    const v = checkExportRequest(arg);
    return v.ok ? backend.exportBundle(v.value.runId, v.value.pseudonymise) : refuse(v.error);
  });
  electron.ipcMain.handle(CHANNELS.openBundle, (_e, arg) => {
    const v = checkBundleBase64(arg);
    return v.ok ? backend.openBundle(v.value) : refuse(v.error);
  });
  electron.ipcMain.handle(CHANNELS.importCapture, (_e, arg, name) => {
    const v = checkCaptureBytes(arg);
    const n = checkCaptureName(name);
    return v.ok && n.ok ? backend.importCapture(v.value, n.value) : refuse(!v.ok ? v.error : (n as { error: string }).error);
  });
  electron.ipcMain.handle(CHANNELS.captureMessages, (_e, arg) => {
    const v = checkCaptureMessages(arg);
    return v.ok ? backend.captureMessages(v.value.importId, v.value.seqs) : refuse(v.error);
  });
  electron.ipcMain.handle(CHANNELS.listAccounts, () => backend.listAccounts());
  electron.ipcMain.handle(CHANNELS.saveAccount, (_e, arg) => {
    const v = checkAccountInput(arg);
    return v.ok ? backend.saveAccount(v.value) : refuse(v.error);
  });
  electron.ipcMain.handle(CHANNELS.deleteAccount, (_e, arg) => {
    const v = checkAccountId(arg);
    return v.ok ? backend.deleteAccount(v.value) : refuse(v.error);
  });
  electron.ipcMain.handle(CHANNELS.accountPassword, (_e, arg) => {
    const v = checkAccountId(arg);
    return v.ok ? backend.accountPassword(v.value) : refuse(v.error);
  });
}

/** A .sipladder file among the process arguments (file association on Linux and Windows). */
export function bundleArgument(argv: string[]): string | undefined {
  return argv.slice(1).find((a) => a.toLowerCase().endsWith('.sipladder') && !a.startsWith('-'));
}

export const OPEN_FILTERS = [{ name: 'Bundles and captures', extensions: ['sipladder', 'pcap', 'pcapng', 'cap', 'txt'] }];

export async function startShell(electron: MainElectronLike, backend: Backend, paths: ShellPaths & { readFile(path: string): Promise<Uint8Array>; argv: string[] }): Promise<void> {
  const present = (file: string): void => {
    void paths.readFile(file).then((bytes) => backend.presentFile(Buffer.from(bytes).toString('base64'), file)).catch(() => undefined);
  };
  // macOS delivers files opened from Finder as events, possibly before the app is ready.
  electron.app.on('open-file', (e, file) => {
    e.preventDefault();
    present(file);
  });
  await electron.app.whenReady();
  registerIpc(electron, backend);
  const win = new electron.BrowserWindow({ width: 1280, height: 900, title: 'SIP Ladder', webPreferences: { ...WINDOW_PREFERENCES, preload: paths.preload } });
  const wc = win.webContents;
  wc.session.webRequest.onHeadersReceived((d, cb) => cb({ responseHeaders: { ...(d.responseHeaders ?? {}), 'Content-Security-Policy': [CSP] } }));
  wc.setWindowOpenHandler(({ url }) => {
    if (externalUrlAllowed(url)) void electron.shell.openExternal(url);
    return { action: 'deny' };
  });
  wc.on('will-navigate', (e) => e.preventDefault());
  electron.Menu.setApplicationMenu(electron.Menu.buildFromTemplate([
    { label: 'File', submenu: [
      { label: 'Open Bundle or Capture…', accelerator: 'CmdOrCtrl+O', click: () => void electron.dialog.showOpenDialog(win, { properties: ['openFile'], filters: OPEN_FILTERS })
        .then((r) => !r.canceled && r.filePaths[0] && present(r.filePaths[0])) },
      { role: 'quit' },
    ] },
    { label: 'Edit', submenu: [{ role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }] },
  ]));
  electron.app.on('window-all-closed', () => {
    void backend.close().finally(() => electron.app.quit());
  });
  await win.loadFile(paths.indexHtml);
  const file = bundleArgument(paths.argv);
  if (file) present(file);
}
