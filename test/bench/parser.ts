// Parser throughput: ours vs sip.js and JsSIP on the same corpus, in one run.
import { createRequire } from 'node:module';
import { Parser as SipJsParser } from 'sip.js/lib/core/messages/parser.js';
import { parseMessage } from '../../shared/sip/parse.js';
import { CORPUS } from './corpus.js';

const require = createRequire(import.meta.url);
const JsSipParser = require('jssip/lib/Parser.js') as { parseMessage(data: string, ua: unknown): unknown };

const silentLogger = { log() {}, debug() {}, warn() {}, error() {} };

export interface ParserFigure {
  parser: string;
  corpus: string;
  msgPerSec: number;
  mbPerSec: number;
  /** Median over rounds of (this parser's rate / JsSIP's rate in the same round): noise hits both alike. */
  xJsSip: number;
}

interface Contender {
  name: string;
  run: () => number;
}
/**
 * Alternates the parsers in short slices (so machine noise hits all alike) and reports each
 * one's best rate over ROUNDS slices: on a shared VM, noise only ever slows a slice down, so the
 * fastest slice is the steadiest estimate of what the code itself costs.
 */
const ROUNDS = 9;
const SLICE_MS = 150;
function race(corpusName: string, bytes: number, messagesPerLoop: number, contenders: Contender[]): ParserFigure[] {
  for (const c of contenders) for (let i = 0; i < 300; i++) c.run(); // warm-up (JIT)
  const rates = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const c of contenders) {
      let n = 0;
      const t0 = performance.now();
      let elapsed = 0;
      while (elapsed < SLICE_MS) {
        for (let i = 0; i < 20; i++) n += c.run();
        elapsed = performance.now() - t0;
      }
      rates.get(c.name)!.push(n / (elapsed / 1000));
    }
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const jssip = rates.get('JsSIP')!;
  return contenders.map((c) => {
    const r = rates.get(c.name)!;
    const msgPerSec = Math.max(...r);
    return {
      parser: c.name,
      corpus: corpusName,
      msgPerSec,
      mbPerSec: (msgPerSec * (bytes / messagesPerLoop)) / 1e6,
      xJsSip: median(r.map((x, i) => x / jssip[i]!)),
    };
  });
}

export function benchParsers(): ParserFigure[] {
  const sets: Record<string, string[]> = {
    'REGISTER/401 pair': [CORPUS['REGISTER with Authorization']!, CORPUS['401 with WWW-Authenticate']!],
    'all four messages': Object.values(CORPUS),
  };
  const out: ParserFigure[] = [];
  for (const [setName, msgs] of Object.entries(sets)) {
    // Our parser gets bytes (as from a socket); the others take strings, which is their API.
    const asBytes = msgs.map((m) => new TextEncoder().encode(m));
    const bytes = asBytes.reduce((n, b) => n + b.length, 0);
    // One loop function per parser: a shared loop would make its call site megamorphic and
    // penalise whichever parser is fastest.
    out.push(
      ...race(setName, bytes, msgs.length, [
        {
          name: 'sipladder',
          run: () => {
            for (const m of asBytes) if (!parseMessage(m).ok) throw new Error('sipladder failed');
            return asBytes.length;
          },
        },
        {
          name: 'sip.js',
          run: () => {
            for (const m of msgs) if (!SipJsParser.parseMessage(m, silentLogger as never)) throw new Error('sip.js failed');
            return msgs.length;
          },
        },
        {
          name: 'JsSIP',
          run: () => {
            for (const m of msgs) if (!JsSipParser.parseMessage(m, undefined)) throw new Error('JsSIP failed');
            return msgs.length;
          },
        },
      ]),
    );
  }
  return out;
}
