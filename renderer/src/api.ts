// The UI's only door to the engine: Electron's preload API when present, else the browser-mode
// HTTP API, both derived from the method table (shared/ipc/methods.ts): each method is
// POST /api/<name> with its arguments as a JSON array (an upload: the file as the body), and every
// event stream comes over one server-sent-events response (token from the page).
import { EVENTS_PATH, httpPathOf, listenerNameOf } from '../../shared/ipc/define.js';
import { EVENTS, METHODS, type SipLadderApi, type StreamName } from '../../shared/ipc/methods.js';

declare global {
  interface Window {
    sipladder?: SipLadderApi;
  }
}

async function answerOf(res: Response): Promise<unknown> {
  const data = (await res.json()) as { error?: string } | null;
  if (!res.ok) throw new Error(data?.error ?? `HTTP ${res.status}`);
  return data;
}

/** Arguments as JSON: trailing absent ones left out (JSON would turn them into null, which an optional argument refuses). */
function argsJson(args: unknown[]): string {
  const given = [...args];
  while (given.length && given.at(-1) === undefined) given.pop();
  return JSON.stringify(given);
}

/** Server-sent events read over fetch (EventSource cannot send the token header), each to its stream's listeners. */
function eventStreams(token: string): (stream: StreamName, listener: (e: unknown) => void) => () => void {
  const listeners = new Map<string, Set<(e: unknown) => void>>();
  let streaming = false;
  const dispatch = (frame: string): void => {
    const field = (name: string): string | undefined =>
      frame
        .split('\n')
        .find((l) => l.startsWith(`${name}: `))
        ?.slice(name.length + 2);
    const data = field('data');
    if (data !== undefined) listeners.get(field('event') ?? '')?.forEach((l) => l(JSON.parse(data)));
  };
  const read = async (): Promise<void> => {
    streaming = true;
    const reader = (await fetch(EVENTS_PATH, { headers: { 'X-SipLadder-Token': token } })).body!.getReader();
    const decoder = new TextDecoder();
    let buf = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      buf += decoder.decode(chunk.value, { stream: true });
      const frames = buf.split('\n\n');
      buf = frames.pop()!;
      frames.forEach(dispatch);
    }
    streaming = false;
  };
  return (stream, listener) => {
    const set = listeners.get(stream) ?? new Set();
    listeners.set(stream, set.add(listener));
    if (!streaming) void read();
    return () => void set.delete(listener);
  };
}

function httpApi(): SipLadderApi {
  const token = document.querySelector<HTMLMetaElement>('meta[name="sipladder-token"]')?.content ?? '';
  const headers = (type: string): Record<string, string> => ({ 'Content-Type': type, 'X-SipLadder-Token': token });
  const api: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(METHODS)) {
    api[name] =
      method.kind === 'call'
        ? async (...args: unknown[]) => answerOf(await fetch(httpPathOf(name), { method: 'POST', headers: headers('application/json'), body: argsJson(args) }))
        : async (file: Blob, ...args: unknown[]) =>
            answerOf(
              await fetch(`${httpPathOf(name)}?args=${encodeURIComponent(argsJson(args))}`, {
                method: 'POST',
                headers: headers('application/octet-stream'),
                body: file,
              }),
            );
  }
  const listen = eventStreams(token);
  for (const stream of Object.keys(EVENTS) as StreamName[]) api[listenerNameOf(stream)] = (listener: (e: unknown) => void) => listen(stream, listener);
  return api as SipLadderApi;
}

export const api: SipLadderApi = window.sipladder ?? httpApi();
