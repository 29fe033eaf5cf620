// Capture import as the app runs it (the backend both shells serve): progress arrives as run
// events while the import runs, Cancel (cancelCheck with the import's id) stops it, and a
// finished import can be saved as a bundle.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tempFiles } from './helpers.js';
import { createBackend, type Backend } from '../../electron/app/backend.js';
import { openBundle } from '../../electron/bundle/bundle.js';
import type { CaptureProgress } from '../../shared/capture/import.js';
import { registrationsCapture } from '../fixtures/registrations-capture.js';

let backend: Backend | undefined;
afterEach(() => backend?.close());

const start = (): Backend => (backend = createBackend(tempFiles(mkdtempSync(join(tmpdir(), 'sl-capapp-')))));
const capture = registrationsCapture(8000);

describe('capture import in the app', () => {
  it('reports progress while it runs and saves the result as a bundle', async () => {
    const b = start();
    const progress: CaptureProgress[] = [];
    b.subscribe('runEvent', (e) => {
      if (e.type === 'capture-progress') progress.push(e.progress);
    });
    const view = await b.importCapture({ bytes: capture }, 'regs.pcap');
    expect(view.result.attempts).toHaveLength(2000);
    expect(view.dialogs).toHaveLength(2000);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toMatchObject({ packets: 8000, messages: 8000, exchanges: 2000 });
    const bundle = await b.exportBundle(view.importId!, null);
    const saved = openBundle(new Uint8Array(Buffer.from(bundle.base64, 'base64'))).result;
    expect(saved.attempts).toHaveLength(2000);
    // The page gets the trace without bytes and fetches a dialog's messages when it draws them.
    expect(view.result.trace.filter((e) => e.bytes !== undefined)).toEqual([]);
    const seqs = view.result.attempts[1]!.traceSeqs;
    const messages = await b.captureMessages(view.importId!, seqs);
    expect(messages.map((m) => m.seq)).toEqual(seqs);
    expect(messages.map((m) => m.bytes)).toEqual(seqs.map((seq) => saved.trace[seq - 1]!.bytes));
    await expect(b.captureMessages('0123456789abcdef', seqs)).rejects.toThrow(/no longer available/);
  });

  it('keeps the import in the history with its messages, to reopen and save as a bundle', async () => {
    const b = start();
    const view = await b.importCapture({ bytes: capture }, 'regs.pcap');
    // The history row is written on a later turn, after the view went to the window.
    const entry = await vi.waitFor(
      async () => {
        const found = (await b.historyList({ limit: 5 })).find((e) => e.kind === 'import');
        if (!found) throw new Error('no import in the history yet');
        return found;
      },
      { timeout: 10_000 },
    );
    const reopened = await b.historyOpen(entry.id);
    expect(reopened.historyId).toBe(entry.id);
    const seqs = view.result.attempts[1]!.traceSeqs;
    const kept = await b.captureMessages(view.importId!, seqs);
    expect(seqs.map((seq) => reopened.result.trace[seq - 1]!.bytes)).toEqual(kept.map((m) => m.bytes));
    const saved = openBundle(new Uint8Array(Buffer.from((await b.historyExport(entry.id, null)).base64, 'base64'))).result;
    expect(saved.trace.filter((e) => e.bytes !== undefined)).toHaveLength(8000);
  });

  it('is cancelled by cancelCheck with the id its progress events carry', async () => {
    const b = start();
    b.subscribe('runEvent', (e) => {
      if (e.type === 'capture-progress') void b.cancelCheck(e.runId);
    });
    await expect(b.importCapture({ bytes: capture }, 'regs.pcap')).rejects.toThrow(/import cancelled/);
  });
});
