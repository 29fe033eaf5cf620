// The reflector's TLS and WebSocket listeners answer like the UDP/TCP ones.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultDeps } from '../../electron/engine/deps.js';
import { RateLimiter } from '../../electron/engine/safety.js';
import { SipFlow } from '../../electron/engine/sip-flow.js';
import { TraceRecorder } from '../../electron/engine/trace-recorder.js';
import { startReflector, type Reflector } from '../../electron/reflector/server.js';
import { MIRROR_CONTENT_TYPE } from '../../electron/reflector/sip-mirror.js';
import { idSource } from '../../shared/sip/ids.js';
import { buildSizedOptions } from '../../shared/sip/requests.js';
import { CA_PEM } from './helpers.js';

const certs = (f: string) => fileURLToPath(new URL(`../../electron/demo/certs/${f}`, import.meta.url));
const base = 30000 + Math.floor(Math.random() * 20000);
let reflector: Reflector;
beforeAll(async () => {
  reflector = await startReflector(
    { listen: '127.0.0.1', sipPorts: [0], tls: { port: base, certFile: certs('server.pem'), keyFile: certs('server.key') }, wsPort: base + 1 },
    () => undefined,
  );
});
afterAll(() => reflector.close());

describe.each([
  ['tls', base],
  ['ws', base + 1],
] as const)('reflector over %s', (transport, port) => {
  it('mirrors OPTIONS', async () => {
    const deps = defaultDeps();
    const trace = new TraceRecorder(deps.clock);
    const opened = await SipFlow.open({
      attempt: 1,
      transport,
      host: 'localhost',
      remote: { address: '127.0.0.1', port },
      tlsVerify: true,
      caPem: CA_PEM,
      wsPath: '/',
      deps,
      trace,
      rate: new RateLimiter(deps.clock),
      signal: new AbortController().signal,
      deadlineAt: deps.clock.now() + 5000,
      traceSeqs: [],
    });
    if (!opened.ok) throw new Error(opened.detail);
    const ids = idSource(deps.random);
    const branch = ids.branch();
    const req = buildSizedOptions(
      {
        transport,
        domain: 'example.test',
        user: 'alice',
        local: opened.flow.channel.local,
        rport: true,
        branch,
        callId: ids.callId(),
        fromTag: ids.tag(),
        cseq: 1,
      },
      'abc.invalid',
      'upstream',
      900,
    );
    const tx = await opened.flow.transaction(req.bytes, { branch, callId: req.callId, method: 'OPTIONS' }, 2000, 'OPTIONS');
    opened.flow.close();
    expect(tx.kind).toBe('response');
    if (tx.kind !== 'response') return;
    expect(tx.msg.status).toBe(200);
    expect(tx.msg.headers.find((h) => h.key === 'content-type')?.value).toBe(MIRROR_CONTENT_TYPE);
    expect(Buffer.from(new TextDecoder().decode(tx.msg.body), 'base64').length).toBe(900);
  });
});
