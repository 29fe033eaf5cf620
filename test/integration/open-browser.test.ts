// `sipladder open FILE --browser`: the browser mode starts with the bundle already presented.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { exportBundle } from '../../electron/bundle/bundle.js';
import { startCommand } from '../../electron/cli/start-command.js';
import { startRegistrar } from '../../electron/demo/registrar.js';
import type { RunEvent } from '../../shared/ipc/contract.js';
import { checkFixture } from './helpers.js';

describe('sipladder open FILE --browser', () => {
  it('serves the app with the bundle already open', async () => {
    const fx = await startRegistrar({ transports: ['tcp'] });
    const file = join(mkdtempSync(join(tmpdir(), 'sl-open-')), 'case.sipladder');
    writeFileSync(file, exportBundle(await checkFixture(fx)).bytes);
    await fx.close();
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (d) => (out += d));
    let stop = (): void => undefined;
    const done = startCommand(
      [file, '--browser'],
      { stdin: Readable.from(['']), stdout, stderr: new PassThrough(), env: {} },
      new Promise<void>((r) => (stop = r)),
    );
    await expect.poll(() => /token=/.test(out), { timeout: 60_000 }).toBe(true);
    const url = new URL(/http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+/.exec(out)![0]);
    const res = await fetch(new URL('/api/events', url), { headers: { 'X-SipLadder-Token': url.searchParams.get('token')! } });
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('bundle-opened')) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    const event = JSON.parse(
      text
        .split('\n')
        .find((l) => l.startsWith('data: '))!
        .slice(6),
    ) as RunEvent;
    expect(event.type === 'bundle-opened' && event.bundle.diagnosis.verdict).toBe('Registration works over TCP.');
    stop();
    expect(await done).toBe(0);
  }, 90_000);
});
