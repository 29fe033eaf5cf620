// Guards against superlinear parsing: for every adversarial family (test/bench/adversarial.ts),
// 64 KB must cost about 8× what 8 KB costs, not 64×. Best-of-several timings (load only ever adds
// time) and a generous bound keep this steady on a busy 2-core machine; the figures themselves
// are printed by `npm run bench`.
import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../shared/sip/parse.js';
import { FRAMER_FAMILIES, PARSER_FAMILIES, bestTime, frame } from '../bench/adversarial.js';

/** Linear growth gives 8; a quadratic path gives 64. */
const MAX_RATIO_64_TO_8 = 24;
/** Absorbs timer resolution and a GC pause when the 8 KB time is a few microseconds. */
const SLACK_MS = 1;
/** No 64 KB input may come near this; the quadratic paths this replaces took 12 s to 55 s. */
const ABSOLUTE_MS_AT_64_KB = 250;

/** Trials of each size, alternated so that both sizes see the same load, and runs per trial. */
const TRIALS = 7;
const RUNS = 3;

function growth(run: () => unknown, small: () => unknown): { ms8: number; ms64: number } {
  for (let i = 0; i < 2; i++) {
    small();
    run();
  }
  let ms8 = Infinity;
  let ms64 = Infinity;
  for (let t = 0; t < TRIALS; t++) {
    ms8 = Math.min(ms8, bestTime(small, 1, RUNS));
    ms64 = Math.min(ms64, bestTime(run, 1, RUNS));
  }
  return { ms8, ms64 };
}

describe('parser and framer time grows linearly with input size', () => {
  it.each(PARSER_FAMILIES.map((f) => [f.name, f] as const))('parseMessage: %s', (_, family) => {
    const small = family.make(8 * 1024);
    const large = family.make(64 * 1024);
    const { ms8, ms64 } = growth(
      () => parseMessage(large),
      () => parseMessage(small),
    );
    expect(ms64).toBeLessThan(MAX_RATIO_64_TO_8 * ms8 + SLACK_MS);
    expect(ms64).toBeLessThan(ABSOLUTE_MS_AT_64_KB);
  });

  it.each(FRAMER_FAMILIES.map((f) => [f.name, f] as const))('StreamFramer: %s', (_, family) => {
    const small = family.make(8 * 1024);
    const large = family.make(64 * 1024);
    const { ms8, ms64 } = growth(
      () => frame(large, family.chunk),
      () => frame(small, family.chunk),
    );
    expect(ms64).toBeLessThan(MAX_RATIO_64_TO_8 * ms8 + SLACK_MS);
    expect(ms64).toBeLessThan(ABSOLUTE_MS_AT_64_KB);
  });

  it('reports invalid UTF-8 in a 64 KB header at the offset of the bad byte', () => {
    const bytes = PARSER_FAMILIES[0]!.make(64 * 1024);
    const r = parseMessage(bytes);
    expect(!r.ok && r.error).toEqual({ reason: 'header section is not valid UTF-8', offset: bytes.indexOf(0xff) });
  });
});
