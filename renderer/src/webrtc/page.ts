// The browser registration's page (webrtc.html), loaded by the app's page in a hidden iframe after a
// check: it runs sip.js for one run under a CSP whose connect-src is that run's WS/WSS server only
// (shared/webrtc/page-csp.ts). The budget and the joining go through the parent (frame-messages.ts).
import { fromOwn, type FromFrame, type ToFrame, type Verdict } from './frame-messages.js';
import { registerFromBrowser } from './sipjs-register.js';

const parentWindow = window.parent;
const post = (m: FromFrame): void => parentWindow.postMessage(m, window.location.origin);

// A WebSocket to another host that our own CSP refused says nothing about the server: reported
// apart, never as an attempt. (Same-host sockets are Vite's hot reload under `npm start`, not ours.)
let cspRefusal: string | null = null;
document.addEventListener('securitypolicyviolation', (e) => {
  if (e.effectiveDirective === 'connect-src' && /^wss?:/i.test(e.blockedURI) && new URL(e.blockedURI).host !== window.location.host)
    cspRefusal = `${e.effectiveDirective} refused ${e.blockedURI}`;
});

const answers = new Map<number, (ok: boolean) => void>();
let nextId = 1;
function ask(m: { type: 'grant' } | { type: 'settle'; verdict: Verdict }): Promise<boolean> {
  const id = nextId++;
  return new Promise((resolve) => {
    answers.set(id, resolve);
    post({ ...m, id });
  });
}

let started = false;
window.addEventListener('message', (e: MessageEvent) => {
  if (!fromOwn(e, parentWindow)) return;
  const m = e.data as ToFrame;
  if (m.type === 'granted' || m.type === 'settled') {
    answers.get(m.id)?.(m.type === 'granted' ? m.ok : true);
    answers.delete(m.id);
  } else if (m.type === 'register' && !started) {
    started = true;
    void registerFromBrowser(m.input, { request: () => ask({ type: 'grant' }), settle: async (verdict) => void (await ask({ type: 'settle', verdict })) }).then(
      (registration) => post(cspRefusal ? { type: 'blocked', detail: cspRefusal } : { type: 'result', registration }),
    );
  }
});
post({ type: 'ready' });
