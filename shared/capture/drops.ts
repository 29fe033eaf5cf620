// What an import left out, in words (CLI and app): never silent, never alarming when nothing was.
import type { CaptureDrops } from './sip-messages.js';

const PHRASES: Array<[(d: CaptureDrops) => number, string]> = [
  [(d) => d.fragments.overlapping, 'datagrams with overlapping fragments'],
  [(d) => d.fragments.tooManyFragments, 'datagrams in too many fragments'],
  [(d) => d.fragments.oversized, 'datagrams over 65,535 bytes'],
  [(d) => d.fragments.evicted, 'incomplete datagrams given up (too many pending)'],
  [(d) => d.fragments.incomplete, 'datagrams missing fragments at the end'],
  [(d) => d.tcp.gaps, 'gaps in TCP streams (data the capture missed)'],
  [(d) => d.tcp.unsyncedBytes, 'TCP bytes before a SIP start line'],
  [(d) => d.cutShortBytes, 'bytes at the end, in a last packet the file cuts short (copied while it was still being written?)'],
];

/** One line listing what was left out and why, or '' when nothing was. */
export function dropsText(d: CaptureDrops): string {
  const parts = PHRASES.map(([count, what]) => [count(d), what] as const)
    .filter(([n]) => n > 0)
    .map(([n, what]) => `${n.toLocaleString('en-US')} ${what}`);
  return parts.length ? `Left out: ${parts.join('; ')}.\n` : '';
}
