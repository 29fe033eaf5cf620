// The preview an import sends with its progress: its counts are those of the whole capture once it
// is read, and each listed rejection is one of the capture's.
import { describe, expect, it } from 'vitest';
import { CaptureImport } from '../../shared/capture/import.js';
import { PREVIEW_REJECTIONS, PreviewCounter, type ResponseCounts } from '../../shared/capture/preview.js';
import { fromBase64 } from '../../shared/hash/utf8.js';
import { parseMessage } from '../../shared/sip/parse.js';
import type { SipResponse } from '../../shared/sip/message.js';
import { generateCapture } from '../bench/capture-gen.js';

const emptyCounts = (): ResponseCounts => ({ ok: 0, redirected: 0, challenged: 0, rejected: 0 });
const kindOf = (status: number): keyof ResponseCounts =>
  status < 300 ? 'ok' : status < 400 ? 'redirected' : status === 401 || status === 407 ? 'challenged' : 'rejected';

describe('capture import preview', () => {
  it('counts every final response by method and kind, and lists the latest rejections', () => {
    const im = new CaptureImport();
    const bytes = generateCapture(6000, 7);
    const seen: number[] = [];
    for (let at = 0; at < bytes.length; at += 64 * 1024) {
      im.push(bytes.subarray(at, at + 64 * 1024));
      seen.push(im.progress().preview?.rejections.length ?? 0);
    }
    const preview = im.progress().preview!;
    const { result } = im.finish('gen.pcap');
    const expected = { REGISTER: emptyCounts(), INVITE: emptyCounts(), OPTIONS: emptyCounts(), other: emptyCounts() };
    const rejections = new Set<string>();
    for (const e of result.trace) {
      const parsed = e.bytes !== undefined && parseMessage(fromBase64(e.bytes));
      if (!parsed || !parsed.ok || parsed.message.kind !== 'response' || parsed.message.status < 200) continue;
      const m: SipResponse = parsed.message;
      const method = m.cseq!.method;
      expected[method in expected ? (method as keyof typeof expected) : 'other'][kindOf(m.status)]++;
      if (kindOf(m.status) === 'rejected') rejections.add(`${m.callId} ${m.status}`);
    }
    expect(preview.responses).toEqual(expected);
    expect(expected.REGISTER.rejected + expected.INVITE.rejected).toBeGreaterThan(PREVIEW_REJECTIONS); // the generator's failures
    expect(preview.rejections).toHaveLength(PREVIEW_REJECTIONS);
    for (const r of preview.rejections) expect(rejections.has(`${r.callId} ${r.status}`)).toBe(true);
    expect(preview.rejections.map((r) => r.at)).toEqual([...preview.rejections.map((r) => r.at)].sort((a, b) => a - b));
    // It grows while the file is read, not only at the end.
    expect(seen.findIndex((k) => k > 0)).toBeLessThan(seen.length / 2);
  });

  it('names the client that got a rejection, IPv6 in brackets, times from the first message', () => {
    const c = new PreviewCounter();
    const response = { request: false, method: 'INVITE', status: 486, reason: 'Busy Here', credentials: false, callId: 'x'.repeat(100) };
    const hostile = { ...response, method: 'M'.repeat(16_000), reason: 'r'.repeat(16_000) };
    c.add({ ...response, request: true, status: 0, reason: '' }, 5_000_000, { address: '198.51.100.7', port: 5060 });
    c.add(response, 6_250_000, { address: '2001:db8::7', port: 5062 });
    c.add({ ...response, status: 401, reason: 'Unauthorized' }, 6_500_000, { address: '2001:db8::7', port: 5062 });
    const p = c.snapshot();
    expect(p.responses.INVITE).toEqual({ ok: 0, redirected: 0, challenged: 1, rejected: 1 });
    expect(p.rejections).toEqual([{ at: 1.25, method: 'INVITE', status: 486, reason: 'Busy Here', client: '[2001:db8::7]:5062', callId: 'x'.repeat(64) }]);
    c.add(response, 7_000_000, { address: '192.0.2.1', port: 5060 });
    expect(p.rejections).toHaveLength(1); // a snapshot is a copy
    // A hostile capture's long texts are cut: the preview travels with every progress event.
    c.add(hostile, 7_500_000, { address: '192.0.2.1', port: 5060 });
    expect(JSON.stringify(c.snapshot().rejections.at(-1)).length).toBeLessThan(400);
  });
});
