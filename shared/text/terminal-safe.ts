// Text for a terminal. Strings from servers, bundles and captures may carry escape sequences
// (ECMA-48 CSI colours and cursor moves that fake a verdict, OSC 0 window titles, OSC 52 clipboard
// writes), a carriage return that overwrites a line, or bidirectional overrides that reorder what
// is shown (Unicode TR 9, "Trojan Source"). Every such character is shown as a visible escape;
// line feeds, tabs and all other UTF-8 text are kept.

/**
 * C0 controls but tab and line feed, DEL, C1 controls (U+009B is a one-character CSI for some
 * terminals), line/paragraph separators, and the bidirectional marks, embeddings, overrides and
 * isolates of Unicode TR 9.
 */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const hex = (code: number, digits: number): string => code.toString(16).padStart(digits, '0');

/**
 * C0 controls become `\x1b`, `\r`, `\t`-style escapes; the rest `\u009b`-style. Raw C0 characters
 * never occur in JSON text (JSON.stringify escapes them), and `\uXXXX` is a valid JSON escape, so
 * JSON written through this stays valid JSON with the same value.
 */
function visible(c: string): string {
  const code = c.charCodeAt(0);
  if (code === 0x0d) return '\\r';
  return code < 0x20 ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`;
}

/** `text` with every character that could steer a terminal replaced by a visible escape. */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, visible);
}
