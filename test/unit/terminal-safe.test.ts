import { describe, expect, it } from 'vitest';
import { terminalSafe } from '../../shared/text/terminal-safe.js';

describe('terminalSafe', () => {
  it.each([
    ['SGR colour (fake green verdict)', '\x1b[32mRegistered\x1b[0m', '\\x1b[32mRegistered\\x1b[0m'],
    ['OSC 0 window title', '\x1b]0;pwned\x07', '\\x1b]0;pwned\\x07'],
    ['OSC 52 clipboard write', '\x1b]52;c;cm0gLXJmIH4=\x1b\\', '\\x1b]52;c;cm0gLXJmIH4=\\x1b\\'],
    ['cursor up and erase line', '\x1b[1A\x1b[2K', '\\x1b[1A\\x1b[2K'],
    ['carriage return overwriting a line', 'fails\rworks', 'fails\\rworks'],
    ['one-character CSI (C1)', '\u009b31m', '\\u009b31m'],
    ['DEL and NUL', 'a\u007fb\u0000c', 'a\\u007fb\\x00c'],
    ['bidirectional override', 'abc\u202edcba\u202c', 'abc\\u202edcba\\u202c'],
  ])('shows %s as visible escapes', (_name, input, shown) => {
    expect(terminalSafe(input)).toBe(shown);
  });

  it('keeps line feeds, tabs and UTF-8 text as they are', () => {
    const text = 'Verdict: ✖ échec\n\tRéponse 日本語 🙂 — ok';
    expect(terminalSafe(text)).toBe(text);
  });

  it('keeps JSON valid and its values unchanged', () => {
    const value = { reason: 'x\u009b\u202e\x1b[2J\ry', nested: ['\u2066é'] };
    const safe = terminalSafe(JSON.stringify(value, null, 2));
    expect(safe).not.toMatch(/[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(JSON.parse(safe)).toEqual(value);
  });
});
