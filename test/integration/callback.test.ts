// The reflector's callback registrar on 127.0.0.1: the probe finds its callbacks (OPTIONS and INVITE,
// answered 486) on the registered flow; hostile clients get nothing they did not prove they may get.
import dgram from 'node:dgram';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultDeps } from '../../electron/engine/deps.js';
import { callbackProbe } from '../../electron/engine/ring/callback-probe.js';
import { MAX_BINDINGS_PER_ADDRESS, MAX_PENDING_CALLBACKS } from '../../electron/reflector/callback.js';
import { MAX_CALLBACKS_PER_SCHEDULE } from '../../electron/reflector/callback-protocol.js';
import { startReflector, type Reflector } from '../../electron/reflector/server.js';
import { diagnoseCallback } from '../../shared/diagnosis/rules-ring.js';
import { runCli } from './helpers.js';

let reflector: Reflector;
let port: number;
const sockets: dgram.Socket[] = [];
beforeEach(async () => {
  reflector = await startReflector({ listen: '127.0.0.1', sipPorts: [0] }, () => undefined);
  port = reflector.sipPorts[0]!;
});
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await reflector.close();
});

/** A raw UDP client on `address`, with everything it receives kept. */
async function client(address = '127.0.0.1'): Promise<{ sock: dgram.Socket; port: number; got: string[] }> {
  const sock = dgram.createSocket('udp4');
  sockets.push(sock);
  await new Promise<void>((r) => sock.bind(0, address, r));
  const got: string[] = [];
  sock.on('message', (m) => got.push(m.toString('utf8')));
  return { sock, port: sock.address().port, got };
}

let n = 0;
function request(method: string, c: { sock: dgram.Socket; port: number }, extra: string[] = []): Buffer {
  const local = `${c.sock.address().address}:${c.port}`;
  n++;
  return Buffer.from(
    [
      `${method} sip:127.0.0.1 SIP/2.0`,
      `Via: SIP/2.0/UDP ${local};branch=z9hG4bK-t${n};rport`,
      'Max-Forwards: 70',
      `From: <sip:bob@127.0.0.1>;tag=t${n}`,
      'To: <sip:bob@127.0.0.1>',
      `Call-ID: call-${n}`,
      `CSeq: 1 ${method}`,
      `Contact: <sip:bob@${local}>`,
      'User-Agent: callback hostile test with a long enough request',
      ...extra,
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'),
  );
}

/** Sends and returns the first answer (status line and headers). */
async function ask(c: Awaited<ReturnType<typeof client>>, bytes: Buffer): Promise<string> {
  const before = c.got.length;
  c.sock.send(bytes, port, '127.0.0.1');
  for (let i = 0; i < 100 && c.got.length === before; i++) await new Promise((r) => setTimeout(r, 10));
  return c.got[before] ?? '(no answer)';
}

const cookieOf = (answer: string): string => /X-SipLadder-Cookie: (\S+)/.exec(answer)?.[1] ?? '';

async function registered(c: Awaited<ReturnType<typeof client>>, expires = 330): Promise<string> {
  const ok = await ask(c, request('REGISTER', c, [`Expires: ${expires}`]));
  expect(ok).toMatch(/^SIP\/2\.0 200/);
  return cookieOf(ok);
}

describe('reflector callback test', () => {
  it('the probe registers, asks for callbacks after 1 and 2 s, and finds both on its flow, unchanged', async () => {
    const r = await callbackProbe({ reflector: { host: '127.0.0.1', port }, delaysS: [1, 2] }, defaultDeps());
    expect(r).toMatchObject({ registered: true, detail: 'callbacks scheduled' });
    expect(r.probes.map((p) => [p.delayS, p.optionsArrived, p.inviteArrived, p.rewritten])).toEqual([
      [1, true, true, []],
      [2, true, true, []],
    ]);
    expect(r.probes[0]!.arrivedAfterMs).toBeGreaterThanOrEqual(950);
    expect(r.closedByS).toBeUndefined();
    expect(r.openAtLeastS).toBeGreaterThan(0.5);
    expect(diagnoseCallback(r)).toMatchObject({ findings: [], verdict: expect.stringMatching(/arrived after every delay/) });
    // The reflector's INVITE was answered busy, never accepted, and ACKed.
    const sent = r.trace.filter((e) => e.kind === 'sent' && /^SIP\/2\.0 486/.test(Buffer.from(e.bytes ?? '', 'base64').toString()));
    expect(sent.length).toBeGreaterThanOrEqual(2);
  });

  it('a bad schedule is rejected by the probe before anything is sent', async () => {
    const r = await callbackProbe({ reflector: { host: '127.0.0.1', port }, delaysS: [301] }, defaultDeps());
    expect(r).toMatchObject({ registered: false, detail: expect.stringMatching(/bad schedule: delays must be 1 to 300 s/) });
    expect(reflector.stats.answered).toBe(0);
  });

  it('no callbacks to a flow that did not register, nor without its cookie; the victim flow gets nothing', async () => {
    const victim = await client();
    const attacker = await client();
    const victimCookie = await registered(victim);
    // The attacker names the victim's cookie from another port: no binding for the attacker's flow.
    expect(await ask(attacker, request('OPTIONS', attacker, ['X-SipLadder-Callback: 1', `X-SipLadder-Cookie: ${victimCookie}`]))).toMatch(
      /^SIP\/2\.0 403.*\r\n[\s\S]*register from this flow first/,
    );
    // The victim's own flow without the cookie: refused, return routability not shown. The refusal
    // is larger than a bare request, so it is withheld (no amplification); a padded request gets it.
    const withheld = reflector.stats.withheld;
    expect(await ask(victim, request('OPTIONS', victim, ['X-SipLadder-Callback: 1']))).toBe('(no answer)');
    expect(reflector.stats.withheld).toBe(withheld + 1);
    expect(await ask(victim, request('OPTIONS', victim, ['X-SipLadder-Callback: 1', `X-SipLadder-Padding: ${'x'.repeat(200)}`]))).toMatch(
      /^SIP\/2\.0 403[\s\S]*return routability/,
    );
    const before = victim.got.length;
    await new Promise((r) => setTimeout(r, 1600));
    expect(victim.got.slice(before)).toEqual([]);
  });

  it('bad schedules are refused with 400', async () => {
    const c = await client();
    const cookie = await registered(c);
    const tooMany = Array.from({ length: MAX_CALLBACKS_PER_SCHEDULE + 1 }, (_, i) => i + 1).join(',');
    for (const [schedule, why] of [
      ['0', '1 to 300'],
      ['301', '1 to 300'],
      [tooMany, 'at most'],
      ['1,1', 'each delay once'],
      ['soon', 'whole seconds'],
      ['', 'whole seconds'],
    ]) {
      const answer = await ask(c, request('OPTIONS', c, [`X-SipLadder-Callback: ${schedule}`, `X-SipLadder-Cookie: ${cookie}`]));
      expect(answer, schedule).toMatch(new RegExp(`^SIP/2\\.0 400[\\s\\S]*${why}`));
    }
    const short = await client();
    const shortCookie = await registered(short, 5);
    expect(await ask(short, request('OPTIONS', short, ['X-SipLadder-Callback: 60', `X-SipLadder-Cookie: ${shortCookie}`]))).toMatch(
      /^SIP\/2\.0 400[\s\S]*binding expires before/,
    );
  });

  it('one schedule at a time per flow; bindings per address and pending callbacks are bounded', async () => {
    const first = await client();
    const cookie = await registered(first);
    const schedule = (c: Awaited<ReturnType<typeof client>>, k: string): Promise<string> =>
      ask(c, request('OPTIONS', c, [`X-SipLadder-Callback: 100,200,250,300`, `X-SipLadder-Cookie: ${k}`]));
    expect(await schedule(first, cookie)).toMatch(/^SIP\/2\.0 200[\s\S]*accepted 100,200,250,300/);
    expect(await schedule(first, cookie)).toMatch(/^SIP\/2\.0 400[\s\S]*already pending/);
    const more = await Promise.all(Array.from({ length: MAX_BINDINGS_PER_ADDRESS }, () => client()));
    expect(await ask(more[0]!, request('REGISTER', more[0]!, ['Expires: 330']))).toMatch(/^SIP\/2\.0 200/);
    expect(await ask(more[1]!, request('REGISTER', more[1]!, ['Expires: 330']))).toMatch(/^SIP\/2\.0 503/);
    // Fill the reflector's pending callbacks from other loopback addresses (two flows each).
    let accepted = MAX_CALLBACKS_PER_SCHEDULE;
    let refused = '';
    for (let a = 2; !refused && a < 60; a++) {
      for (const c of await Promise.all([client(`127.0.0.${a}`), client(`127.0.0.${a}`)])) {
        const answer = await schedule(c, await registered(c));
        if (/^SIP\/2\.0 200/.test(answer)) accepted += MAX_CALLBACKS_PER_SCHEDULE;
        else refused ||= answer;
      }
    }
    expect(accepted).toBe(MAX_PENDING_CALLBACKS);
    expect(refused).toMatch(/^SIP\/2\.0 503[\s\S]*too many callbacks pending/);
  });

  it('sipladder ring --callback: the reflector calls back, a bad schedule is a usage error', async () => {
    const run = await runCli(['ring', '--callback', '1', '--reflector', `127.0.0.1:${port}`]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/after 1 s \(quiet [\d.]+ s\): OPTIONS arrived, INVITE arrived/);
    const bad = await runCli(['ring', '--callback', '1,2,3,4,5', '--reflector', `127.0.0.1:${port}`]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--callback: at most 4 callbacks/);
  });

  it('no answer larger than the request before return routability', async () => {
    const c = await client();
    const bytes = request('REGISTER', c, ['Expires: 60']);
    const answer = await ask(c, bytes);
    expect(Buffer.byteLength(answer)).toBeLessThanOrEqual(bytes.length);
  });
});
