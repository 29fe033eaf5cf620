// Splits a raw message line into plain and highlighted parts (Via received/rport) without changing
// a single character: the parts joined are exactly the line as it was on the wire.

/** One capture group and no nested ones: String.split then alternates text, match, text, … */
const MARKS = /(received=[^;\s,]+|rport(?:=\d+)?)/;

export function markParts(line: string): Array<{ text: string; mark: boolean }> {
  return line
    .split(MARKS)
    .map((text, i) => ({ text, mark: i % 2 === 1 }))
    .filter((p) => p.text !== '');
}
