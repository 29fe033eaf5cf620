// The capture's brief read of a message takes the common shapes from their bytes and leaves the
// rest to the general parsers: both ways must agree on every input, usual or odd.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { brief, cseqAt, isSdpType, startLineOf, textAt } from '../../shared/capture/brief.js';
import { parseCSeq } from '../../shared/sip/header-values.js';

const bytesOf = (s: string): Uint8Array => new TextEncoder().encode(s);
const pieces = <T>(...xs: T[]): fc.Arbitrary<T> => fc.constantFrom(...xs);
const blanks = fc.stringMatching(/^[ \t]{0,2}$/);
const method = pieces('REGISTER', 'INVITE', 'ACK', 'OPTIONS', 'FOO-BAR_2', 'invite', 'Bye', '1NVITE', 'X');
const text = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', '\t', '/', 'é', '\u0001', '7'), maxLength: 12 });

/** The start line as the regular expressions read it (the general path). */
function startLineByRegex(line: string): ReturnType<typeof startLineOf> {
  const start = line.trim();
  const response = /^SIP\/2\.0 (\d{3}) ?(.*)$/.exec(start);
  const request = response ? null : /^([A-Z][A-Z0-9_-]*) \S+ SIP\/2\.0$/.exec(start);
  if (!response && !request) return null;
  return { request: !!request, method: request?.[1] ?? '', status: response ? Number(response[1]) : 0, reason: response?.[2] ?? '' };
}

describe('brief: common shapes read from bytes agree with the general parsers', () => {
  it('start lines', () => {
    const response = fc.tuple(pieces('SIP/2.0 ', 'SIP/2.0  ', 'SIP/2.1 ', 'sip/2.0 '), fc.integer({ min: 0, max: 1200 }), pieces('', ' ', '  '), text);
    const request = fc.tuple(
      method,
      pieces(' ', '  ', '\t'),
      pieces('sip:a@b', 'sip:a b', '', 'sips:é@x'),
      pieces(' SIP/2.0', ' SIP/2.0 ', 'SIP/2.0', ' SIP/2.00'),
    );
    fc.assert(
      fc.property(
        fc.oneof(
          response.map((p) => `${p[0]}${p[1]}${p[2]}${p[3]}`),
          request.map((p) => p.join('')),
        ),
        pieces('', ' ', '\t'),
        (line, lead) => {
          const b = bytesOf(lead + line);
          expect(startLineOf(b, b.length)).toEqual(startLineByRegex(textAt(b, [0, b.length])));
        },
      ),
      { numRuns: 3000, seed: 20261122 },
    );
  });

  it('CSeq values', () => {
    const cseq = fc.tuple(
      blanks,
      fc.oneof(fc.integer({ min: 0, max: 2 ** 31 + 9 }).map(String), pieces('', '0001', '12345678901')),
      pieces(' ', '  ', '\t', ''),
      method,
      blanks,
    );
    fc.assert(
      fc.property(cseq, (parts) => {
        const value = parts.join('');
        const parsed = parseCSeq(value.trim());
        expect(cseqAt(bytesOf(value), [0, bytesOf(value).length])).toEqual(parsed.ok ? parsed.value : undefined);
      }),
      { numRuns: 3000, seed: 20261122 },
    );
  });

  it('Content-Type application/sdp', () => {
    const type = fc.tuple(
      blanks,
      pieces('application/sdp', 'Application/SDP', 'application/sdpx', 'application/sd', 'application-sdp', 'text/plain'),
      pieces('', ';charset=utf-8', '-x', '_x', ' '),
    );
    fc.assert(
      fc.property(type, (parts) => {
        const value = parts.join('');
        expect(isSdpType(bytesOf(value), [0, bytesOf(value).length])).toBe(/^\s*application\/sdp\b/i.test(value.trim()));
      }),
      { numRuns: 1000, seed: 20261122 },
    );
  });

  it('a whole message: method, status, CSeq, Call-ID and the SDP body found', () => {
    const msg =
      'SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\ni: abc@192.0.2.1\r\nCSeq:  7 INVITE\r\nc: Application/SDP\r\nContent-Length: 4\r\n\r\nv=0\n';
    const b = brief(bytesOf(msg));
    expect(b).toMatchObject({ request: false, status: 200, reason: 'OK', method: 'INVITE', cseq: 7, callId: 'abc@192.0.2.1', sdpAt: msg.indexOf('v=0') });
    expect(brief(bytesOf('HELLO world\r\n\r\n'))).toBeNull();
  });
});
