// The SDP summary of a call's offer and answer, read from the message's bytes (only the c=, m=audio,
// a=rtpmap and direction lines are decoded): what the dialog list and the one-way-audio rule use.
import { describe, expect, it } from 'vitest';
import { sdpSummary } from '../../shared/capture/dialogs.js';

const summary = (text: string, seq = 7) => {
  const bytes = new TextEncoder().encode(text);
  return sdpSummary(bytes, 0, bytes.length, seq);
};

describe('SDP summary from bytes', () => {
  it('reads the address, the audio port, codecs named by rtpmap or the static table, and the direction', () => {
    const sdp = [
      'v=0',
      'o=- 1 1 IN IP4 192.0.2.9',
      's=-',
      'c=IN IP4 10.0.0.7',
      't=0 0',
      'm=audio 40000 RTP/AVP 0 101 8 9 97',
      'a=rtpmap:101 telephone-event/8000',
      'a=rtpmap:97 opus/48000/2',
      'a=fmtp:101 0-15',
      'a=sendonly',
    ];
    expect(summary(sdp.join('\r\n') + '\r\n')).toEqual({
      address: '10.0.0.7',
      port: 40000,
      codecs: ['PCMU', 'telephone-event', 'PCMA', 'G722', 'opus'],
      direction: 'sendonly',
      seq: 7,
    });
    // LF only, no final line end, blanks around the body: the same summary.
    expect(summary(`\r\n  ${sdp.join('\n')}  \r\n`)).toEqual(summary(sdp.join('\r\n')));
  });

  it('takes the first c= and the first m=audio; video and unknown payload types stay as they are', () => {
    const s = summary(
      [
        'v=0',
        'm=video 5000 RTP/AVP 96',
        'c=IN IP4 203.0.113.5',
        'm=audio 6000 RTP/AVP 120',
        'c=IN IP4 198.51.100.1',
        'm=audio 7000 RTP/AVP 0',
        'a=inactive',
      ].join('\r\n'),
    );
    expect(s).toEqual({ address: '203.0.113.5', port: 6000, codecs: ['120'], direction: 'inactive', seq: 7 });
  });

  it('is undefined without an audio stream, and reads a direction only as a whole attribute', () => {
    expect(summary('v=0\r\nc=IN IP4 10.0.0.1\r\nm=video 5000 RTP/AVP 96\r\n')).toBeUndefined();
    expect(summary('m=audio 4000 RTP/AVP 0\r\na=sendrecvx\r\na=recvonly\r\na=rtcp:4001')?.direction).toBe('recvonly');
    expect(summary('m=audio 4000 RTP/AVP 0\r\na=sendonlyish')?.direction).toBe('sendrecv');
  });

  it('reads only its range of the message (the body after the head)', () => {
    const head = 'INVITE sip:a@b SIP/2.0\r\nContent-Type: application/sdp\r\n\r\n';
    const bytes = new TextEncoder().encode(`${head}m=audio 4000 RTP/AVP 8\r\nc=IN IP4 192.0.2.1\r\nm=audio 1 RTP/AVP 0`);
    const cut = bytes.length - 'm=audio 1 RTP/AVP 0'.length;
    expect(sdpSummary(bytes, head.length, cut, 1)).toEqual({ address: '192.0.2.1', port: 4000, codecs: ['PCMA'], direction: 'sendrecv', seq: 1 });
  });
});
