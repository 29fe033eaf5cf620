// The Electron main process: one window with Electron's security defaults (contextIsolation,
// sandbox, no nodeIntegration), the UI from app:// under a strict CSP (app-protocol.ts), every web
// contents guarded (guard.ts); IPC handlers that validate every argument from the renderer; and run
// events — bundles and captures opened from the OS or the menu among them — sent to every window
// that listens, whether or not it started anything.
import { channelOf, entryNamed, parseArgs, invokeImplementation, SUBSCRIBE_CHANNEL, type Method, type Upload } from '../../shared/ipc/define.js';
import { EVENTS, METHODS, type StreamName } from '../../shared/ipc/methods.js';
import { failed, succeeded, type Result } from '../../shared/model/result-type.js';
import type { Backend } from '../app/backend.js';
import { APP_INDEX_URL, APP_SCHEME, APP_SCHEME_PRIVILEGES, appProtocolHandler, isAppUrl } from './app-protocol.js';
import type { BrowserWindowLike, MainElectronLike, WebContentsLike } from './electron-like.js';
import { guardWebContents } from './guard.js';
import { BUNDLE_EXTENSION } from '../../shared/bundle/schema.js';

export interface ShellPaths {
  preload: string;
  /** The built renderer (index.html and its assets), served as app://sipladder/. */
  rendererDir: string;
  readFile(path: string): Promise<Uint8Array>;
  argv: string[];
}

export const WINDOW_PREFERENCES = { contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true } as const;

/** Subscribes a window to an event stream once (the backend replays a bundle opened before it asked), until it is destroyed. */
function windowEvents(backend: Backend): (wc: WebContentsLike, stream: StreamName) => void {
  const subscribed = new Map<WebContentsLike, Map<StreamName, () => void>>();
  return (wc, stream) => {
    let streams = subscribed.get(wc);
    if (streams?.has(stream)) return;
    if (!streams) {
      subscribed.set(wc, (streams = new Map()));
      wc.on('destroyed', () => {
        subscribed.get(wc)?.forEach((off) => off());
        subscribed.delete(wc);
      });
    }
    streams.set(
      stream,
      backend.subscribe(stream, (e) => wc.send(channelOf(stream), e)),
    );
  };
}

/** ipcMain.handle for the app's own pages only: a call from any other frame (a subframe, a page navigated elsewhere) is refused. */
function appIpc(electron: MainElectronLike): Pick<MainElectronLike['ipcMain'], 'handle'> {
  return {
    handle: (channel, handler) =>
      electron.ipcMain.handle(channel, (event, ...args) => {
        if (!isAppUrl(event.senderFrame?.url)) throw new Error(`refused: ${channel} from a frame that is not the app's page`);
        return handler(event, ...args);
      }),
  };
}

/** The arguments of a call over IPC as the implementation takes them: an upload's bytes first (checked here), then the parsed rest. */
function argsOverIpc(method: Method, raw: unknown[]): Result<unknown[]> {
  if (method.kind === 'call') return parseArgs(method, raw);
  const [bytes, ...rest] = raw;
  if (!(bytes instanceof Uint8Array) || bytes.length > method.maxBytes)
    return failed([`invalid argument: the file must be bytes, at most ${method.maxBytes} bytes`]);
  const args = parseArgs(method, rest);
  return args.ok ? succeeded([{ bytes } satisfies Upload, ...args.value]) : args;
}

/** A handler per method of the table, and the subscription to event streams. */
export function registerIpc(electron: MainElectronLike, backend: Backend): void {
  const ipc = appIpc(electron);
  const subscribe = windowEvents(backend);
  ipc.handle(SUBSCRIBE_CHANNEL, (event, name) => {
    const stream = entryNamed(EVENTS, name);
    if (!stream) throw new Error('invalid argument: no such event stream');
    subscribe(event.sender, stream);
  });
  for (const [name, method] of Object.entries(METHODS)) {
    ipc.handle(channelOf(name), (_event, ...raw) => {
      const args = argsOverIpc(method, raw);
      if (!args.ok) throw new Error(args.error);
      return invokeImplementation(backend, name, args.value);
    });
  }
}

/** A .sipladder file among the process arguments (file association on Linux and Windows). */
export function bundleArgument(argv: string[]): string | undefined {
  return argv.slice(1).find((a) => a.toLowerCase().endsWith(BUNDLE_EXTENSION) && !a.startsWith('-'));
}

export const OPEN_FILTERS = [{ name: 'Bundles and captures', extensions: ['sipladder', 'pcap', 'pcapng', 'cap', 'txt'] }];

function setMenu(electron: MainElectronLike, win: BrowserWindowLike, present: (file: string) => void): void {
  electron.Menu.setApplicationMenu(
    electron.Menu.buildFromTemplate([
      {
        label: 'File',
        submenu: [
          {
            label: 'Open Bundle or Capture…',
            accelerator: 'CmdOrCtrl+O',
            click: () =>
              void electron.dialog
                .showOpenDialog(win, { properties: ['openFile'], filters: OPEN_FILTERS })
                .then((r) => !r.canceled && r.filePaths[0] && present(r.filePaths[0])),
          },
          { role: 'quit' },
        ],
      },
      { label: 'Edit', submenu: [{ role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }] },
    ]),
  );
}

/** Runs the shell; called before the app is ready, so no file the OS opens early is missed. */
export async function startShell(electron: MainElectronLike, backend: Backend, paths: ShellPaths): Promise<void> {
  // One instance: a file double-clicked while the app runs arrives as 'second-instance' in the first.
  if (!electron.app.requestSingleInstanceLock()) return electron.app.quit();
  // Every window listens (see windowEvents), and the backend replays the last opened file to a
  // window that subscribes later, so a file may be presented before any window exists.
  const present = (file: string): void => {
    void paths
      .readFile(file)
      .then((bytes) => backend.presentFile(Buffer.from(bytes).toString('base64'), file))
      .catch(() => undefined);
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
  electron.protocol.handle(
    APP_SCHEME,
    appProtocolHandler(paths.rendererDir, paths.readFile, (runId) => backend.webrtcPageCsp(runId)),
  );
  registerIpc(electron, backend);
  win = new electron.BrowserWindow({ width: 1280, height: 900, title: 'SIP Ladder', webPreferences: { ...WINDOW_PREFERENCES, preload: paths.preload } });
  setMenu(electron, win, present);
  electron.app.on('window-all-closed', () => {
    void backend.close().finally(() => electron.app.quit());
  });
  await win.loadURL(APP_INDEX_URL);
}
