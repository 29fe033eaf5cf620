// The preload: exposes on window.sipladder exactly the API derived from the method table
// (shared/ipc/methods.ts), never ipcRenderer itself. Bundled to CommonJS because sandboxed preloads
// cannot load ES modules.
import { channelOf, listenerNameOf, SUBSCRIBE_CHANNEL } from '../../shared/ipc/define.js';
import { EVENTS, METHODS, type SipLadderApi } from '../../shared/ipc/methods.js';
import type { PreloadElectronLike } from './electron-like.js';

type Ipc = PreloadElectronLike['ipcRenderer'];

/** One method: its arguments over its channel; a file (an upload's Blob) as its bytes, since IPC cannot carry a Blob. */
function methodOverIpc(ipc: Ipc, name: string, kind: 'call' | 'upload'): (...args: unknown[]) => Promise<unknown> {
  const channel = channelOf(name);
  if (kind === 'call') return (...args) => ipc.invoke(channel, ...args);
  return async (file, ...args) => ipc.invoke(channel, new Uint8Array(await (file as Blob).arrayBuffer()), ...args);
}

/** One event stream: the listener on the stream's channel, then a subscription, so an event replayed on subscription (a bundle opened before the page was ready) is not lost. */
function streamOverIpc(ipc: Ipc, stream: string): (listener: (e: unknown) => void) => () => void {
  const channel = channelOf(stream);
  return (listener) => {
    const handler = (_e: unknown, payload: unknown): void => listener(payload);
    ipc.on(channel, handler);
    void ipc.invoke(SUBSCRIBE_CHANNEL, stream);
    return () => ipc.removeListener(channel, handler);
  };
}

export function preloadApi(ipc: Ipc): SipLadderApi {
  const api: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(METHODS)) api[name] = methodOverIpc(ipc, name, method.kind);
  for (const stream of Object.keys(EVENTS)) api[listenerNameOf(stream)] = streamOverIpc(ipc, stream);
  return api as SipLadderApi;
}

export function exposeApi(electron: PreloadElectronLike): void {
  electron.contextBridge.exposeInMainWorld('sipladder', preloadApi(electron.ipcRenderer));
}
