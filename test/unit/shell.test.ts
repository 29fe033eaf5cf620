// The Electron shell against a fake Electron module (fake-electron.ts): window events reach every
// window whether or not it ran anything (file association, second instance, macOS open-file,
// File → Open), one instance, security defaults, IPC argument validation, and a narrow preload API.
import { describe, expect, it } from 'vitest';
import { APP_INDEX_URL } from '../../electron/shell/app-protocol.js';
import type { PreloadElectronLike } from '../../electron/shell/electron-like.js';
import { startShell } from '../../electron/shell/main.js';
import { exposeApi } from '../../electron/shell/preload.js';
import type { RunEvent } from '../../shared/ipc/contract.js';
import { channelOf, listenerNameOf, SUBSCRIBE_CHANNEL } from '../../shared/ipc/define.js';
import { EVENTS, METHODS } from '../../shared/ipc/methods.js';
import { fakeBackend, fakeElectron, fromPage, settle } from './fake-electron.js';

const PATHS = {
  preload: '/p.cjs',
  rendererDir: '/r',
  readFile: async (f: string) => new TextEncoder().encode(`bundle bytes of ${f}`),
  argv: ['electron', 'main.mjs'],
};

/** What a window was shown: the files of the bundles opened in it. */
const openedIn = (events: RunEvent[]): string[] => events.flatMap((e) => (e.type === 'bundle-opened' ? [e.bundle.appVersion] : []));

describe('Electron main: window events', () => {
  it('opens a bundle given by the file association in a fresh window that never started a check or demo', async () => {
    const f = fakeElectron();
    await startShell(f.electron, fakeBackend(), { ...PATHS, argv: ['electron', 'main.mjs', '--flag', '/home/u/ticket.sipladder'] });
    const [wc] = f.contents;
    const shown: RunEvent[] = [];
    f.pageApi(wc!).onRunEvent((e) => shown.push(e)); // what the page does at start, nothing more
    await settle();
    expect(openedIn(shown)).toEqual(['bundle bytes of /home/u/ticket.sipladder']);
    expect(f.windows[0]!.loaded).toEqual([APP_INDEX_URL]);
  });

  it('sends files from a second instance, the macOS open-file event and File → Open to every listening window', async () => {
    const f = fakeElectron();
    const backend = fakeBackend();
    await startShell(f.electron, backend, PATHS);
    const shownA: RunEvent[] = [];
    const shownB: RunEvent[] = [];
    f.pageApi(f.contents[0]!).onRunEvent((e) => shownA.push(e));
    const other = f.createContents();
    f.pageApi(other).onRunEvent((e) => shownB.push(e));
    await settle();
    f.emitApp('second-instance', {}, ['sipladder', '/home/u/second.sipladder']);
    await settle();
    expect(f.windows[0]!.focused).toBe(1);
    let prevented = false;
    f.emitApp('open-file', { preventDefault: () => (prevented = true) }, '/Users/u/other.sipladder');
    await settle();
    expect(prevented).toBe(true);
    f.state.menu[0]!.submenu!.find((i) => i.accelerator === 'CmdOrCtrl+O')!.click!();
    await settle();
    const files = ['bundle bytes of /home/u/second.sipladder', 'bundle bytes of /Users/u/other.sipladder', 'bundle bytes of /picked/capture.pcap'];
    expect(openedIn(shownA)).toEqual(files);
    expect(openedIn(shownB)).toEqual(files);
    // A run started in one window is seen by both (each page keeps only the runs it claimed).
    backend.emit({ runId: '0123456789abcdef', type: 'failed', message: 'x' });
    expect(shownA.at(-1)).toEqual(shownB.at(-1));
    // A destroyed window is sent nothing more; a second subscription of a page adds no copy.
    other.destroy();
    await f.handlers.get(SUBSCRIBE_CHANNEL)!(fromPage(f.contents[0]!), 'runEvent');
    backend.emit({ runId: '0123456789abcdef', type: 'failed', message: 'y' });
    expect([shownA.length, shownB.length]).toEqual([5, 4]);
  });

  it('presents a file opened by the OS before the app is ready, once a window listens', async () => {
    const f = fakeElectron();
    const shell = startShell(f.electron, fakeBackend(), PATHS);
    f.emitApp('open-file', { preventDefault: () => undefined }, '/Users/u/early.sipladder');
    await shell;
    const shown: RunEvent[] = [];
    f.pageApi(f.contents[0]!).onRunEvent((e) => shown.push(e));
    await settle();
    expect(openedIn(shown)).toEqual(['bundle bytes of /Users/u/early.sipladder']);
  });

  it('a second instance quits at once, leaving the file to the first one', async () => {
    const f = fakeElectron({ singleInstance: false });
    await startShell(f.electron, fakeBackend(), { ...PATHS, argv: ['electron', 'main.mjs', '/home/u/ticket.sipladder'] });
    expect([f.state.quit, f.windows.length, f.handlers.size]).toEqual([1, 0, 0]);
  });
});

describe('Electron main: window and IPC', () => {
  it('opens the window with contextIsolation, sandbox, no nodeIntegration, from app:// registered as privileged before ready', async () => {
    const f = fakeElectron();
    await startShell(f.electron, fakeBackend(), PATHS);
    expect(f.windows[0]!.prefs).toEqual({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, preload: '/p.cjs' });
    expect(f.protocol.privileged).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
    expect(f.protocol.registeredWhileReady).toEqual([false]);
    expect([...f.protocol.handlers.keys()]).toEqual(['app']);
  });

  it('validates every IPC argument before the engine sees it', async () => {
    const f = fakeElectron();
    const backend = fakeBackend();
    await startShell(f.electron, backend, PATHS);
    const call = (method: string, args: unknown[], from = fromPage(f.contents[0]!)) =>
      Promise.resolve().then(() => f.handlers.get(channelOf(method))!(from, ...args));
    // Only the app's own page may call: not a page navigated elsewhere, a look-alike host, or a frame already gone.
    for (const url of ['https://evil.example/', 'app://sipladder.evil/index.html', 'file:///tmp/x.html']) {
      await expect(call('listAccounts', [], fromPage(f.contents[0]!, url))).rejects.toThrow(/not the app's page/);
    }
    await expect(
      call('startCheck', [{ server: 'sip.example.com', user: 'a', transports: ['udp'] }], { sender: f.contents[0]!, senderFrame: null }),
    ).rejects.toThrow(/not the app's page/);
    await expect(call('startCheck', [{ server: 'bad host', user: 'a', transports: ['udp'] }])).rejects.toThrow(/invalid argument: .*not a valid host/);
    await expect(call('startCheck', ['{"server":"x"}'])).rejects.toThrow(/must be an object/);
    await expect(call('cancelCheck', [{ $gt: '' }])).rejects.toThrow(/runId/);
    await expect(call('startDemo', ['../../x'])).rejects.toThrow(/scenario/);
    await expect(call('saveAccount', [{ name: 'x', server: 'bad host', user: 'u', transports: ['udp'] }])).rejects.toThrow(/server/);
    await expect(call('deleteAccount', ['../secrets'])).rejects.toThrow(/account id/);
    await expect(call('exportBundle', ['x', null])).rejects.toThrow(/runId/);
    await expect(call('exportBundle', ['0123456789abcdef', { users: 'yes' }])).rejects.toThrow(/pseudonymise/);
    await expect(call('openBundle', ['not base64 !!'])).rejects.toThrow(/base64/);
    await expect(call('importCapture', ['not bytes', 'a.pcap'])).rejects.toThrow(/file must be bytes/);
    await expect(call('importCapture', [new Uint8Array(4), '../a.pcap'])).rejects.toThrow(/name must be a file name/);
    await expect(call('captureMessages', ['0123456789abcdef', [1.5]])).rejects.toThrow(/seqs/);
    // An argument more than the method takes is refused, not ignored.
    await expect(call('cancelCheck', ['0123456789abcdef', 'extra'])).rejects.toThrow(/invalid argument/);
    for (const stream of ['constructor', 'toString', 'nope'])
      expect(() => f.handlers.get(SUBSCRIBE_CHANNEL)!(fromPage(f.contents[0]!), stream)).toThrow(/no such event stream/);
    expect(backend.started).toEqual([]);
    expect(await call('startCheck', [{ server: 'sip.example.com', user: 'alice', transports: ['udp'] }])).toEqual({ runId: '0123456789abcdef' });
  });

  it('registers one handler per method of the table, and the subscription', async () => {
    const f = fakeElectron();
    await startShell(f.electron, fakeBackend(), PATHS);
    expect([...f.handlers.keys()].sort()).toEqual([SUBSCRIBE_CHANNEL, ...Object.keys(METHODS).map(channelOf)].sort());
  });

  it('starts a saved account’s check in the main process, which fills in its password; no channel hands one to the page', async () => {
    const f = fakeElectron();
    const backend = fakeBackend();
    await startShell(f.electron, backend, PATHS);
    const page = f.pageApi(f.contents[0]!);
    const options = { server: 'sip.example.com', user: 'alice', transports: ['udp' as const] };
    expect(await page.startCheck(options, 'abcdefabcdef')).toEqual({ runId: 'fedcba9876543210' });
    expect(backend.savedStarts).toMatchObject([[options, 'abcdefabcdef']]);
    await expect(page.startCheck(options, '../accounts')).rejects.toThrow(/account id/);
    expect([backend.started.length, backend.savedStarts.length]).toEqual([0, 1]);
    expect([...f.handlers.keys()].filter((c) => /password|secret/i.test(c))).toEqual([]);
  });
});

describe('preload', () => {
  it('exposes only the contract API, never ipcRenderer, and subscribes to events when the page listens', async () => {
    const exposed: Record<string, unknown> = {};
    const invoked: Array<[string, unknown]> = [];
    const listeners = new Map<string, (e: unknown, p: unknown) => void>();
    const electron: PreloadElectronLike = {
      contextBridge: { exposeInMainWorld: (k, api) => void (exposed[k] = api) },
      ipcRenderer: {
        invoke: async (c, a) => (invoked.push([c, a]), { runId: 'r' }),
        on: (c, l) => void listeners.set(c, l),
        removeListener: (c) => void listeners.delete(c),
      },
    };
    exposeApi(electron);
    const api = exposed.sipladder as Record<string, unknown>;
    expect(Object.keys(exposed)).toEqual(['sipladder']);
    expect(Object.keys(api).sort()).toEqual([...Object.keys(METHODS), ...Object.keys(EVENTS).map(listenerNameOf)].sort());
    expect(Object.keys(api)).toEqual(expect.arrayContaining(['startCheck', 'onRunEvent']));
    expect(Object.keys(api).filter((k) => /invoke|send|ipc/i.test(k))).toEqual([]);
    expect(Object.values(api).every((v) => typeof v === 'function')).toBe(true);
    await (api.startCheck as (o: unknown) => Promise<unknown>)({ server: 's' });
    expect(invoked).toEqual([[channelOf('startCheck'), { server: 's' }]]); // no saved account id
    const got: unknown[] = [];
    const off = (api.onRunEvent as (l: (e: unknown) => void) => () => void)((e) => got.push(e));
    expect(invoked.at(-1)).toEqual([SUBSCRIBE_CHANNEL, 'runEvent']);
    listeners.get(channelOf('runEvent'))!({}, { runId: 'r', type: 'failed', message: 'm' });
    off();
    expect(got).toHaveLength(1);
    expect(listeners.has(channelOf('runEvent'))).toBe(false);
  });
});
