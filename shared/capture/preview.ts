// What an import has found so far, sent with its progress: the first useful screen comes while a
// large capture is still being read (issue 10), the way sngrep lists dialogs as they arrive. Final
// responses are counted by method and kind, and the latest rejections are listed with who got
// them. A preview only: an exchange rejected here may still succeed later in the file, and one that
// is never answered shows only at the end; the results judge each exchange whole.
import { hostForSip } from '../sip/uri.js';
import type { Brief } from './brief.js';

/** Rejections listed in a preview (the latest ones): enough to spot a pattern, small enough to send 10 times a second. */
export const PREVIEW_REJECTIONS = 12;
/** Longest Call-ID, method or reason phrase kept in a preview row: a hostile capture's 16 KB reason must not ride on every progress event. */
const TEXT_MAX = 64;
/** Methods counted on their own (registrations, calls, keep-alives); the rest together. */
export const PREVIEW_METHODS = ['REGISTER', 'INVITE', 'OPTIONS', 'other'] as const;
type PreviewMethod = (typeof PREVIEW_METHODS)[number];

/** Final responses (RFC 3261 §7.2 classes): 2xx, 3xx, 401/407 challenges, any other 4xx/5xx/6xx. */
export interface ResponseCounts {
  ok: number;
  redirected: number;
  challenged: number;
  rejected: number;
}

export interface PreviewRejection {
  /** Seconds since the first message of the capture. */
  at: number;
  method: string;
  status: number;
  reason: string;
  /** Who got the rejection (the response's destination), as address:port. */
  client: string;
  callId: string;
}

export interface CapturePreview {
  responses: Record<PreviewMethod, ResponseCounts>;
  /** The latest rejections, oldest first. */
  rejections: PreviewRejection[];
}

const endpointText = (e: { address: string; port: number }): string => `${hostForSip(e.address)}:${e.port}`;
const noResponses = (): ResponseCounts => ({ ok: 0, redirected: 0, challenged: 0, rejected: 0 });

export class PreviewCounter {
  private readonly responses: CapturePreview['responses'] = { REGISTER: noResponses(), INVITE: noResponses(), OPTIONS: noResponses(), other: noResponses() };
  private readonly latest: PreviewRejection[] = [];
  private t0 = Infinity;

  /** Each message as it is read: `ts` in µs, `to` its destination. */
  add(b: Brief, ts: number, to: { address: string; port: number }): void {
    if (ts < this.t0) this.t0 = ts;
    if (b.request || b.status < 200) return;
    const counts = this.responses[(PREVIEW_METHODS as readonly string[]).includes(b.method) ? (b.method as PreviewMethod) : 'other'];
    if (b.status < 300) counts.ok++;
    else if (b.status < 400) counts.redirected++;
    else if (b.status === 401 || b.status === 407) counts.challenged++;
    else {
      counts.rejected++;
      const row = { method: b.method.slice(0, TEXT_MAX), reason: b.reason.slice(0, TEXT_MAX), callId: (b.callId ?? '').slice(0, TEXT_MAX) };
      this.latest.push({ at: Math.round((ts - this.t0) / 1e4) / 100, status: b.status, client: endpointText(to), ...row });
      if (this.latest.length > PREVIEW_REJECTIONS) this.latest.shift();
    }
  }

  /** A copy: the counter keeps counting while the preview travels. */
  snapshot(): CapturePreview {
    const responses = Object.fromEntries(PREVIEW_METHODS.map((m) => [m, { ...this.responses[m] }])) as CapturePreview['responses'];
    return { responses, rejections: this.latest.map((r) => ({ ...r })) };
  }
}
