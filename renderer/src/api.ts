// The UI's only door to the engine: Electron's preload API when present, else the browser-mode
// HTTP API (token from the page, events streamed over fetch).
import type { DemoInfo, DemoScenario, RunEvent, SipLadderApi } from '../../shared/ipc/contract.js';
import type { CheckOptions } from '../../shared/model/check-options.js';

declare global {
  interface Window {
    sipladder?: SipLadderApi;
  }
}

async function answerOf<T>(res: Response): Promise<T> {
  const data = (await res.json()) as T & { error?: string };
  if (!res.ok) throw new Error(data.error ?? `HTTP ${res.status}`);
  return data;
}

function httpApi(): SipLadderApi {
  const token = document.querySelector<HTMLMetaElement>('meta[name="sipladder-token"]')?.content ?? '';
  const post = async <T>(path: string, body: unknown): Promise<T> => {
    const res = await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-SipLadder-Token': token }, body: JSON.stringify(body) });
    return answerOf<T>(res);
  };
  const listeners = new Set<(e: RunEvent) => void>();
  let streaming = false;
  const stream = async (): Promise<void> => {
    streaming = true;
    const res = await fetch('/api/events', { headers: { 'X-SipLadder-Token': token } });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += decoder.decode(value, { stream: true });
      let cut: number;
      while ((cut = buf.indexOf('\n\n')) >= 0) {
        const frame = buf.slice(0, cut);
        buf = buf.slice(cut + 2);
        if (frame.startsWith('data: ')) {
          const e = JSON.parse(frame.slice(6)) as RunEvent;
          listeners.forEach((l) => l(e));
        }
      }
    }
    streaming = false;
  };
  return {
    // No saved account id: the browser mode keeps no passwords, so there is nothing to fill in.
    startCheck: (options: CheckOptions) => post<{ runId: string }>('/api/check', options),
    cancelCheck: async (runId: string) => void (await post('/api/cancel', { runId })),
    startDemo: (scenario: DemoScenario) => post<DemoInfo>('/api/demo', { scenario }),
    listAccounts: () => post('/api/accounts/list', {}),
    saveAccount: (a) => post('/api/accounts/save', a),
    deleteAccount: async (id) => void (await post('/api/accounts/delete', { id })),
    exportBundle: (runId, pseudonymise) => post('/api/bundle/export', { runId, pseudonymise }),
    openBundle: (base64) => post('/api/bundle/open', { base64 }),
    importCapture: async (file, name) => {
      const res = await fetch(`/api/capture/import?name=${encodeURIComponent(name)}`, { method: 'POST', headers: { 'Content-Type': 'application/octet-stream', 'X-SipLadder-Token': token }, body: file });
      return answerOf(res);
    },
    captureMessages: (importId, seqs) => post('/api/capture/messages', { importId, seqs }),
    onRunEvent: (listener) => {
      listeners.add(listener);
      if (!streaming) void stream();
      return () => void listeners.delete(listener);
    },
  };
}

export const api: SipLadderApi = window.sipladder ?? httpApi();
