// Adversarial inputs for the SIP parser and the stream framer: families of messages built to hit
// superlinear paths (prefix re-decoding, searches restarted from the start, per-line rebuilding,
// backtracking), each generated at a given size. Shared by `npm run bench` (figures) and the
// unit test that guards against quadratic regressions (ratios).
import { StreamFramer } from '../../shared/sip/framer.js';
import { parseMessage } from '../../shared/sip/parse.js';

const enc = new TextEncoder();

/** Repeats `unit` until `prefix + units + suffix` is about `size` bytes (at least once). */
function fill(prefix: string, unit: string, suffix: string, size: number): Uint8Array {
  const count = Math.max(1, Math.floor((size - enc.encode(prefix + suffix).length) / enc.encode(unit).length));
  return enc.encode(prefix + unit.repeat(count) + suffix);
}

const REQ = 'REGISTER sip:example.com SIP/2.0\r\n';
const RESP = 'SIP/2.0 200 OK\r\n';
const TAIL = 'Call-ID: a@b\r\nCSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n';

export interface Family {
  name: string;
  make: (size: number) => Uint8Array;
}

/** Inputs for parseMessage (one datagram each). */
export const PARSER_FAMILIES: Family[] = [
  {
    name: 'invalid UTF-8 header ("é…" then 0xFF)',
    make: (size) => {
      const text = fill(RESP + 'X: ', 'é', '', size - 5);
      return new Uint8Array([...text, 0xff, 13, 10, 13, 10]);
    },
  },
  { name: 'valid UTF-8 header, error at the end', make: (size) => fill(RESP + 'X: ', 'é', '\r\nCSeq: x\r\n\r\n', size) },
  { name: 'long header folding', make: (size) => fill(RESP + 'Subject: a\r\n', ' b\r\n', TAIL, size) },
  { name: 'folded CSeq, error at the end', make: (size) => fill(RESP + 'CSeq: 1\r\n', ' \r\n', ' x y\r\n\r\n', size) },
  { name: 'URI flag parameters (Request-URI)', make: (size) => fill('OPTIONS sip:a@example.com', ';lr', ' SIP/2.0\r\n' + TAIL, size) },
  { name: 'URI flag parameters (Contact)', make: (size) => fill(REQ + 'Contact: <sip:a@example.com', ';lr', '>\r\n' + TAIL, size) },
  { name: 'header flag parameters (Via)', make: (size) => fill(REQ + 'Via: SIP/2.0/UDP h', ';rport', '\r\n' + TAIL, size) },
  {
    name: 'many header fields (at the cap)',
    make: (size) => enc.encode(RESP + `X: ${'y'.repeat(Math.max(1, Math.floor(size / 250) - 6))}\r\n`.repeat(250) + '\r\n'),
  },
  { name: 'many header fields (over the cap)', make: (size) => fill(RESP, 'X: y\r\n', '\r\n', size) },
  {
    name: 'repeated To, non-ASCII display names',
    make: (size) => enc.encode(REQ + `To: "${'é'.repeat(Math.max(1, Math.floor((size / 250 - 18) / 2)))}" <sip:a@b>\r\n`.repeat(250) + TAIL),
  },
  { name: 'many commas (Via)', make: (size) => fill(REQ + 'Via: ', 'SIP/2.0/UDP h;branch=z9hG4bK1,', 'SIP/2.0/UDP h\r\n' + TAIL, size) },
  { name: 'many empty list entries (Contact)', make: (size) => fill(REQ + 'Contact: ', ',', '\r\n' + TAIL, size) },
  { name: 'quoted string with escapes', make: (size) => fill(REQ + 'From: "', '\\"', '" <sip:a@b>;tag=1\r\n' + TAIL, size) },
  { name: 'unterminated quoted string', make: (size) => fill(REQ + 'To: "', '\\" <sip:a@b>', '\r\n' + TAIL, size) },
  { name: 'auth parameters with quoted escapes', make: (size) => fill(RESP + 'WWW-Authenticate: Digest realm="', 'a\\"', '", nonce="n"\r\n' + TAIL, size) },
  { name: 'many auth parameters', make: (size) => fill(REQ + 'Authorization: Digest username="u"', ', a=b', '\r\n' + TAIL, size) },
  {
    name: 'deep angle brackets',
    make: (size) => {
      const n = Math.max(1, Math.floor((size - 80) / 2));
      return enc.encode(REQ + 'To: ' + '<'.repeat(n) + 'sip:a@b' + '>'.repeat(n) + '\r\n' + TAIL);
    },
  },
  { name: 'unclosed angle brackets', make: (size) => fill(REQ + 'Contact: ', '<sip:a@b', '\r\n' + TAIL, size) },
  { name: 'long Request-URI', make: (size) => fill('OPTIONS sip:', 'a', '@example.com SIP/2.0\r\n' + TAIL, size) },
  { name: 'line without colon after a long value', make: (size) => fill(RESP + 'X: ', 'y', '\r\nno colon\r\n\r\n', size) },
  { name: 'leading CRLFs', make: (size) => fill('', '\r\n', RESP + TAIL, size) },
  { name: 'bare-LF lines', make: (size) => fill(RESP, 'X: y\n', '\n', Math.min(size, 1500)) },
  {
    name: 'large body',
    make: (size) => {
      const body = 'x'.repeat(Math.max(0, size - 60));
      return enc.encode(RESP + `Content-Length: ${body.length}\r\n\r\n` + body);
    },
  },
  { name: 'no blank line, binary-looking', make: (size) => fill('\u0001', 'ab\u0002', '', size) },
];

/** Streams for the framer, each fed in `chunk`-byte pieces. */
export const FRAMER_FAMILIES: Array<Family & { chunk: number }> = [
  { name: '60 KB-style header, 1-byte chunks', chunk: 1, make: (size) => fill(RESP, 'X: yyyyyyyyyyyy\r\n', 'Content-Length: 0\r\n\r\n', size) },
  { name: 'header lines without colon, 1-byte chunks', chunk: 1, make: (size) => fill(RESP, 'yyyyyyyyyyyyyyyy\r\n', 'Content-Length: 0\r\n\r\n', size) },
  {
    name: 'large body, 1-byte chunks',
    chunk: 1,
    make: (size) => {
      const body = 'x'.repeat(Math.max(0, size - 60));
      return enc.encode(RESP + `Content-Length: ${body.length}\r\n\r\n` + body);
    },
  },
  { name: 'many small messages, 1-byte chunks', chunk: 1, make: (size) => fill('', RESP + 'l: 0\r\n\r\n', '', size) },
  { name: 'CRLF keep-alives, 1-byte chunks', chunk: 1, make: (size) => fill('', '\r\n\r\n', RESP + 'l: 0\r\n\r\n', size) },
  { name: 'LF-only lines (blank-line candidates), 1-byte chunks', chunk: 1, make: (size) => fill(RESP, 'X: y\n\r', '\nl: 0\n\n', size) },
  { name: 'long start line, 1-byte chunks', chunk: 1, make: (size) => fill('OPTIONS sip:', 'a', ' SIP/2.0\r\nl: 0\r\n\r\n', Math.min(size, 2000)) },
  { name: '60 KB-style header, 7-byte chunks', chunk: 7, make: (size) => fill(RESP, 'X: yyyyyyyyyyyy\r\n', 'Content-Length: 0\r\n\r\n', size) },
  { name: 'repeated Content-Length, 1-byte chunks', chunk: 1, make: (size) => fill(RESP, 'Content-Length: 0\r\n', '\r\n', size) },
  { name: 'many small messages, one chunk', chunk: 1 << 20, make: (size) => fill('', RESP + 'l: 0\r\n\r\n', '', size) },
];

/** Feeds `bytes` to a fresh framer (limit raised so that every size is framed, not refused). */
export function frame(bytes: Uint8Array, chunk: number): number {
  const f = new StreamFramer(1 << 20);
  let events = 0;
  for (let i = 0; i < bytes.length; i += chunk) events += f.push(bytes.subarray(i, i + chunk)).length;
  return events;
}

/** Best (smallest) of `trials` timings of `reps` runs, per run in ms: noise on a shared machine only adds time. */
export function bestTime(run: () => unknown, trials: number, reps: number): number {
  let best = Infinity;
  for (let t = 0; t < trials; t++) {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) run();
    best = Math.min(best, (performance.now() - t0) / reps);
  }
  return best;
}

export const SIZES_KB = [8, 16, 32, 64];

export interface SlowestAtSize {
  kb: number;
  parser: { name: string; ms: number };
  framer: { name: string; ms: number };
}

function slowest(families: Family[], kb: number, run: (f: Family, bytes: Uint8Array) => unknown): { name: string; ms: number } {
  let worst = { name: '', ms: -1 };
  for (const fam of families) {
    const bytes = fam.make(kb * 1024);
    for (let i = 0; i < 10; i++) run(fam, bytes); // warm-up (JIT)
    const ms = bestTime(() => run(fam, bytes), 9, 3);
    if (ms > worst.ms) worst = { name: fam.name, ms };
  }
  return worst;
}

/** The slowest family at each size, for parseMessage and for the framer. */
export function benchAdversarial(): SlowestAtSize[] {
  return SIZES_KB.map((kb) => ({
    kb,
    parser: slowest(PARSER_FAMILIES, kb, (_, b) => parseMessage(b)),
    framer: slowest(FRAMER_FAMILIES, kb, (f, b) => frame(b, (f as Family & { chunk: number }).chunk)),
  }));
}

/** Prints the adversarial-input section of `npm run bench`. */
export function reportAdversarial(): void {
  const rows = benchAdversarial();
  console.log(
    `\nAdversarial inputs (${PARSER_FAMILIES.length} parser and ${FRAMER_FAMILIES.length} framer families; slowest family per size, best of 9×3 runs; goal < 10 ms at 64 KB, linear growth):`,
  );
  for (const r of rows) {
    console.log(`  ${String(r.kb).padStart(2)} KB  parseMessage ${r.parser.ms.toFixed(2).padStart(6)} ms (${r.parser.name})`);
    console.log(`         framer       ${r.framer.ms.toFixed(2).padStart(6)} ms (${r.framer.name})`);
  }
  const [first, last] = [rows[0]!, rows[rows.length - 1]!];
  console.log(
    `  64 KB / 8 KB of the slowest: parseMessage ${(last.parser.ms / first.parser.ms).toFixed(1)}×, framer ${(last.framer.ms / first.framer.ms).toFixed(1)}× (linear = 8×)`,
  );
}
