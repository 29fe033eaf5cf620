// The process killers against a real `sipladder reflector` process: a 28-byte STUN Binding
// with RESPONSE-PORT 0 (it made a send throw ERR_SOCKET_BAD_PORT outside any handler) and a WebSocket
// frame announcing more than 65,535 bytes (no error listener). The process must log them and keep
// serving: it answers a valid OPTIONS afterwards and has not exited.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METHOD_BINDING, ATTR } from '../../shared/stun/message.js';
import { encodeStun } from '../../shared/stun/codec.js';
import { freeUdpPort } from './helpers.js';
import { sentinel, udpTestClient } from './reflector-client.js';

let child: ChildProcess;
let stdout = '';
const ports = { sip: 0, ws: 0, stun: 0 };
beforeAll(async () => {
  [ports.sip, ports.ws, ports.stun] = [await freeUdpPort(), await freeUdpPort(), await freeUdpPort()];
  child = spawn(
    process.execPath,
    [
      new URL('../../electron/cli/bin.mjs', import.meta.url).pathname,
      'reflector',
      '--listen',
      '127.0.0.1',
      '--sip-ports',
      String(ports.sip),
      '--ws-port',
      String(ports.ws),
      '--stun-primary',
      '127.0.0.1',
      '--stun-port',
      String(ports.stun),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  // Ready once the last listener (STUN) says so.
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => (stdout += d) && /stun listening/.test(stdout) && resolve());
    child.once('exit', (code) => reject(new Error(`reflector exited early (${code}): ${stdout}`)));
  });
}, 30_000);
afterAll(() => void child.kill());

describe('sipladder reflector process', () => {
  it('survives RESPONSE-PORT 0 and an oversized WebSocket frame, then still answers', async () => {
    const c = await udpTestClient();
    // 20-byte header + RESPONSE-PORT (type 0x0027, length 4, port 0): the 28 bytes.
    const killer = encodeStun({
      cls: 'request',
      method: METHOD_BINDING,
      transactionId: new Uint8Array(12).fill(1),
      attributes: [{ type: ATTR.RESPONSE_PORT, value: new Uint8Array(4) }],
    });
    expect(killer.length).toBe(28);
    c.send(killer, ports.stun);
    const ws = net.connect(ports.ws, '127.0.0.1');
    ws.on('error', () => undefined);
    ws.write(
      'GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: sip\r\n\r\n',
    );
    ws.once('data', () => ws.write(Buffer.from([0x81, 0xfe, 0xff, 0xff, 0, 0, 0, 0])));
    await new Promise((resolve) => ws.once('close', resolve));
    const probe = sentinel();
    c.send(probe.bytes, ports.sip);
    expect((await c.waitFor(probe.callId)).toString('latin1')).toMatch(/^SIP\/2\.0 200 OK/);
    expect(child.exitCode).toBeNull();
    c.close();
  });
});
