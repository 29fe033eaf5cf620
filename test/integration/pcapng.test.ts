// The trace as pcapng, checked with tshark: it must decode as SIP, with the right addresses.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startRegistrar, type Fixture } from '../../electron/demo/registrar.js';
import { tracePcapng } from '../../shared/bundle/pcapng.js';
import { checkFixture } from './helpers.js';

const tshark = ((): string | null => {
  try {
    return execFileSync('sh', ['-c', 'command -v tshark'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
})();
if (!tshark) console.warn('pcapng tests skipped: tshark is not installed (apt-get install tshark)');

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

function fields(file: string, filter: string, decodeAs: string[], ...names: string[]): string[][] {
  const args = ['-r', file, '-Y', filter, '-T', 'fields', ...names.flatMap((n) => ['-e', n]), ...decodeAs.flatMap((d) => ['-d', d])];
  return execFileSync('tshark', args, { encoding: 'utf8', env: { ...process.env, HOME: tmpdir() } })
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split('\t'));
}

describe.skipIf(!tshark)('pcapng export', () => {
  it('decodes as SIP over UDP and TCP with the addresses and ports of the trace', async () => {
    fx = await startRegistrar({ transports: ['udp', 'tcp', 'tls'] });
    const r = await checkFixture(fx);
    const file = join(mkdtempSync(join(tmpdir(), 'sl-pcap-')), 'trace.pcapng');
    writeFileSync(file, tracePcapng(r));
    const decode = [`udp.port==${fx.ports.udp},sip`, `tcp.port==${fx.ports.tcp},sip`, `tcp.port==${fx.ports.tls},sip`];
    const rows = fields(file, 'sip', decode, 'frame.protocols', 'ip.src', 'ip.dst', 'sip.Method', 'sip.Status-Code', 'frame.comment');
    const sent = r.trace.filter((e) => e.kind === 'sent' || e.kind === 'received');
    expect(rows).toHaveLength(sent.length);
    expect(rows.filter((x) => x[0]!.includes('udp')).length).toBe(sent.filter((e) => e.transport === 'udp').length);
    expect(rows.every((x) => x[1] === '127.0.0.1' && x[2] === '127.0.0.1')).toBe(true);
    expect(rows.filter((x) => x[3] === 'REGISTER').length).toBe(r.trace.filter((e) => e.kind === 'sent').length);
    expect(rows.map((x) => x[4]).filter(Boolean)).toEqual(expect.arrayContaining(['401', '200']));
    expect(rows.some((x) => x[5]?.includes('SIP over TLS, shown decrypted'))).toBe(true);
    // Checksums are right (tshark flags bad ones when asked to check them).
    const bad = execFileSync(
      'tshark',
      [
        '-r',
        file,
        '-o',
        'udp.check_checksum:TRUE',
        '-o',
        'tcp.check_checksum:TRUE',
        '-o',
        'ip.check_checksum:TRUE',
        '-Y',
        'udp.checksum.status==0 || tcp.checksum.status==0 || ip.checksum.status==0',
      ],
      { encoding: 'utf8', env: { ...process.env, HOME: tmpdir() } },
    );
    expect(bad.trim()).toBe('');
  });
});
