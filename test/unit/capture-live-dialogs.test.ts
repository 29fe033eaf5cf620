// The live dialog list an import sends with its progress: the page, applying every change in turn,
// ends with one row per exchange of the results, in their order, with the same method, client,
// user agent and message count; rows come while the file is read, and each change is sent once.
import { describe, expect, it } from 'vitest';
import { dialogFacts } from '../../shared/capture/dialogs.js';
import { CaptureImport } from '../../shared/capture/import.js';
import { applyLiveChanges, LIVE_ROWS_PER_EVENT, LiveDialogTracker, type LiveDialog, type LiveSource } from '../../shared/capture/live-dialogs.js';
import { hostForSip } from '../../shared/sip/uri.js';
import { generateCapture } from '../bench/capture-gen.js';

const SLICE = 64 * 1024;

describe('live dialog list of an import', () => {
  it('after every change is applied, lists the exchanges of the results in order, with their client, user agent and messages', () => {
    const im = new CaptureImport();
    const bytes = generateCapture(8000, 3);
    let rows: LiveDialog[] = [];
    const sizes: number[] = [];
    for (let at = 0; at < bytes.length; at += SLICE) {
      im.push(bytes.subarray(at, at + SLICE));
      rows = applyLiveChanges(rows, im.progress(true).dialogs!);
      sizes.push(rows.length);
    }
    rows = applyLiveChanges(rows, im.progress(true).dialogs!);
    const { result } = im.finish('gen.pcap');
    const facts = dialogFacts(result);
    expect(rows).toHaveLength(result.attempts.length);
    rows.forEach((row, n) => {
      const f = facts[n]!;
      expect(row.n).toBe(n);
      expect(row.client).toBe(`${hostForSip(f.client.address)}:${f.client.port}`);
      expect(row.method).toBe(f.method);
      expect(row.agent).toBe(f.agent.slice(0, 64));
      expect(row.messages).toBe(f.messages);
      // The answer so far is the latest final one read; the results order a group's messages by time first.
      if (row.status !== undefined) expect(f.status).toBeDefined();
    });
    expect(rows.filter((r, n) => r.status === facts[n]!.status).length).toBeGreaterThan(rows.length * 0.95);
    // The list grows while the file is read, not only at the end.
    expect(sizes[Math.floor(sizes.length / 2)]).toBeGreaterThan(0);
    expect(sizes[Math.floor(sizes.length / 2)]).toBeLessThan(rows.length);
  });

  it('sends each new row once, at most LIVE_ROWS_PER_EVENT at a time, and a changed row again only when it changed', () => {
    const sources: LiveSource[] = [];
    const t = new LiveDialogTracker<number>((i) => sources[i]!);
    for (let i = 0; i < LIVE_ROWS_PER_EVENT + 5; i++) {
      sources.push({ at: i, method: 'REGISTER', client: '192.0.2.1:5060', user: 'u', agent: 'a'.repeat(10_000), callId: `c${i}`, messages: 1 });
      t.appeared(i);
    }
    const first = t.changes();
    expect(first.added.map((d) => d.n)).toEqual([...Array(LIVE_ROWS_PER_EVENT).keys()]);
    expect(first.added[0]!.agent).toHaveLength(64); // a hostile capture's long texts are cut
    sources[3] = { ...sources[3]!, status: 401, messages: 2 };
    t.touch(3);
    t.touch(LIVE_ROWS_PER_EVENT + 1); // not sent yet: it goes out whole with the next rows
    const second = t.changes();
    expect(second.changed).toEqual([[3, 401, 2]]);
    expect(second.added.map((d) => d.n)).toEqual([0, 1, 2, 3, 4].map((k) => LIVE_ROWS_PER_EVENT + k));
    expect(t.changes()).toEqual({ added: [], changed: [] });

    const rows = applyLiveChanges(applyLiveChanges([], first), second);
    expect(rows).toHaveLength(LIVE_ROWS_PER_EVENT + 5);
    expect(rows[3]).toMatchObject({ status: 401, messages: 2 });
    // Rows applied twice (a repeated event) are not listed twice.
    expect(applyLiveChanges(rows, second)).toHaveLength(rows.length);
  });

  it('sends no dialogs unless asked (the CLI), and none for ngrep text (read at the end)', () => {
    const im = new CaptureImport();
    im.push(generateCapture(500, 1));
    expect(im.progress().dialogs).toBeUndefined();
    const text = new CaptureImport();
    text.push(new TextEncoder().encode('U 2013/07/19 22:17:34.920749 192.0.2.4:5060 -> 198.51.100.7:5060\n'));
    expect(text.progress(true).dialogs).toBeUndefined();
  });
});
