// Capture rules, each from a fixture capture built of the benchmark generator's scenarios: the
// finding appears for the fault and not for the healthy variant; texts are summaries; grouping
// does not depend on the order packets come in.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_FILTER_WORDS, parseFilter, selectDialogs, type DialogRow } from '../../shared/capture/dialog-filter.js';
import { answerText, dialogFacts } from '../../shared/capture/dialogs.js';
import { importCapture } from '../../shared/capture/import.js';
import { diagnose } from '../../shared/diagnosis/diagnose.js';
import { NO_SIP } from '../../shared/diagnosis/rules-capture.js';
import { reportMarkdown } from '../../shared/bundle/report-md.js';
import { reportText } from '../../shared/diagnosis/report.js';
import type { CheckResult } from '../../shared/model/results.js';
import { call, keepalive, register, Writer, type Client, type Scenario } from '../bench/capture-gen.js';
import { ipPacket, pcapFile } from '../fixtures/pcap-builder.js';

const T0 = 1_700_000_000_000_000;
let nextClient = 1;
function client(o: Partial<Client> = {}): Client {
  const i = nextClient++;
  const address = o.ep?.address ?? `203.0.113.${i}`;
  return { ep: { address, port: 40_000 + i }, user: `u${i}`, ua: 'Linphone/5.2.5', tcp: false, mediaAddress: address, seqUp: 1000, seqDown: 5000, ...o };
}

function captureOf(steps: Array<[Scenario, Client]>): CheckResult {
  const w = new Writer();
  steps.forEach(([scenario, c], i) => scenario(w, c, i + 1, T0 + i * 1_000_000, () => 0.5));
  return importCapture(pcapFile('ethernet', w.frames(Number.MAX_SAFE_INTEGER)), 'fixture.pcap').result;
}

const ids = (r: CheckResult): string[] => diagnose(r).findings.map((f) => f.id);

describe('capture rules', () => {
  it('port-5060 clients that never answer the 401, while others register', () => {
    const jitsi = client({ ep: { address: '198.18.0.7', port: 5060 }, ua: 'Jitsi2.10' });
    const r = captureOf([
      [register('no-answer'), jitsi],
      [register(200), client()],
    ]);
    const d = diagnose(r);
    expect(d.findings.map((f) => f.id)).toEqual(['capture-inbound-5060-filtered']);
    expect(d.findings[0]!.technical).toMatch(
      /^1 client on local port 5060 never answered the 401 \(198\.18\.0\.7\); 1 registration from other ports completed\.$/,
    );
    expect(
      ids(
        captureOf([
          [register(200), jitsi],
          [register(200), client()],
        ]),
      ),
    ).toEqual([]);
  });

  it('a capture without SIP is not "no problems found": it says where to capture instead, and its report speaks of a capture', () => {
    const empty = importCapture(
      pcapFile('raw', [{ ts: 0, data: ipPacket({ address: '192.0.2.1', port: 53 }, { address: '192.0.2.2', port: 53 }, 'udp', new Uint8Array(8)) }]),
      'dns.pcap',
    ).result;
    const d = diagnose(empty);
    expect(d.findings).toEqual([]);
    expect(d.verdict).toBe(NO_SIP);
    expect(reportMarkdown(empty, d)).toMatch(
      /SIP capture dns\.pcap \(1 packet, 0 SIP messages\), from [^]*## Findings\n\nNone: the capture holds no SIP to judge\./,
    );
    expect(diagnose(captureOf([[register(200), client()]])).verdict).toMatch(/^No problems found\. /);
  });

  it('rejected registrations and 5xx from the server', () => {
    expect(
      ids(
        captureOf([
          [register(403), client()],
          [register(200), client()],
        ]),
      ),
    ).toEqual(['capture-registration-rejected']);
    expect(
      ids(
        captureOf([
          [call(503), client()],
          [register(503), client()],
        ]),
      ),
    ).toEqual(['capture-server-5xx']);
  });

  it('an answered call without ACK, and not a normal call', () => {
    expect(ids(captureOf([[call('no-ack'), client()]]))).toEqual(['capture-no-ack']);
    expect(ids(captureOf([[call('bye'), client()]]))).toEqual([]);
    // The dialog list says why an answered call failed, not only "200".
    expect(dialogFacts(captureOf([[call('no-ack'), client()]])).map(answerText)).toEqual(['200, no ACK']);
    expect(
      dialogFacts(
        captureOf([
          [call('bye'), client()],
          [keepalive(false), client()],
        ]),
      ).map(answerText),
    ).toEqual(['200', 'no answer']);
  });

  it('one-way audio hint: a private SDP address from a public source, not from a private one', () => {
    expect(ids(captureOf([[call('bye'), client({ mediaAddress: '192.168.1.20' })]]))).toEqual(['capture-private-sdp']);
    expect(ids(captureOf([[call('bye'), client({ ep: { address: '10.1.2.3', port: 5062 }, mediaAddress: '10.1.2.3' })]]))).toEqual([]);
  });

  it('unanswered OPTIONS keep-alives mean unreachable contacts; answered ones and an OPTIONS 401 are not failures to authenticate', () => {
    const r = captureOf([
      [keepalive(false), client()],
      [keepalive(true), client()],
    ]);
    expect(ids(r)).toEqual(['capture-keepalive-unanswered']);
    expect(r.attempts.map((a) => a.outcome)).toEqual(['no-response', 'answered']);
    const w = new Writer();
    const c = client();
    const options = (status?: string) =>
      new TextEncoder().encode(
        `${status ? `SIP/2.0 ${status}` : 'OPTIONS sip:x@example.net SIP/2.0'}\r\nVia: SIP/2.0/UDP 203.0.113.1:5060;branch=z9hG4bKo\r\nCall-ID: probe\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`,
      );
    w.send(c, true, T0, options());
    w.send(c, false, T0 + 1000, options('401 Unauthorized'));
    const probe = importCapture(pcapFile('ethernet', w.frames(10)), 'probe.pcap').result;
    expect(probe.attempts.map((a) => [a.outcome, a.status])).toEqual([['rejected', 401]]);
  });

  it('calls ended 408/480/487 are counted by status', () => {
    const d = diagnose(
      captureOf([
        [call(487), client()],
        [call(480), client()],
        [call(487), client()],
        [call('bye'), client()],
      ]),
    );
    expect(d.findings.map((f) => [f.id, f.severity])).toEqual([['capture-call-failures', 'warning']]);
    expect(d.findings[0]!.technical).toMatch(/^3 calls of 4: 487 ×2, 480 ×1 /);
  });

  it('a re-INVITE storm, and the SDP summary of a call', () => {
    const r = captureOf([[call('reinvite-storm'), client({ ua: 'Yealink SIP-T46U' })]]);
    expect(ids(r)).toEqual(['capture-reinvite-storm']);
    const [f] = dialogFacts(r);
    expect(f).toMatchObject({
      kind: 'call',
      method: 'INVITE',
      reinvites: 12,
      acked: true,
      agent: 'Yealink SIP-T46U',
      offer: { codecs: ['PCMU', 'PCMA', 'G722', 'G729', 'telephone-event'], direction: 'sendrecv' },
      answer: { address: '198.51.100.9', codecs: ['PCMU', 'telephone-event'] },
    });
  });

  it('verdict and report are summaries, bounded however many exchanges there are', () => {
    const steps: Array<[Scenario, Client]> = [];
    for (let i = 0; i < 1500; i++)
      steps.push([[register(403), call('no-ack'), keepalive(false)][i % 3]!, client({ ep: { address: `203.0.${i >> 8}.${i & 255}`, port: 5062 } })]);
    const r = captureOf(steps);
    const d = diagnose(r);
    expect(d.verdict).toMatch(
      /Seen in this capture: 1,500 exchanges; 0 of 500 registrations succeeded, 0 of 500 calls answered, 0 of 500 keep-alives answered\.$/,
    );
    expect(d.verdict.length).toBeLessThan(400);
    expect(reportText(r, d, 'provider').length).toBeLessThan(4096);
    for (const f of d.findings) {
      expect(f.technical.length).toBeLessThan(600);
      expect(f.attempts).toHaveLength(500); // the full list, for "show affected" and the bundle
    }
  });
});

describe('grouping', () => {
  it('any order of the same packets gives the same dialogs', () => {
    const c = [client(), client({ ep: { address: '198.18.5.5', port: 5060 } }), client()];
    const w = new Writer();
    [register(200), call('bye'), keepalive(true), call(487), register('no-answer')].forEach((s, i) => s(w, c[i % 3]!, i + 1, T0 + i * 10_000, () => 0.5));
    const frames = w.frames(1000);
    const dialogs = (order: number[]) => {
      const r = importCapture(
        pcapFile(
          'ethernet',
          order.map((i) => frames[i]!),
        ),
        'x',
      ).result;
      return r.attempts.map((a) => `${a.label} ${a.outcome} ${a.status} ${a.traceSeqs.length}`).sort();
    };
    const expected = dialogs(frames.map((_, i) => i));
    expect(expected).toHaveLength(5);
    fc.assert(
      fc.property(
        fc.shuffledSubarray(
          frames.map((_, i) => i),
          { minLength: frames.length },
        ),
        (order) => {
          expect(dialogs(order)).toEqual(expected);
        },
      ),
      { numRuns: 60, seed: 10 },
    );
  });

  it('the facts the import gathers while grouping equal those computed again from the trace (a bundle, the app)', () => {
    const r = captureOf([
      [call('reinvite-storm'), client({ tcp: true })],
      [call('no-ack'), client({ mediaAddress: '10.0.0.9' })],
      [register(403), client()],
      [keepalive(false), client()],
    ]);
    const reread = structuredClone(r);
    expect(dialogFacts(reread)).not.toBe(dialogFacts(r));
    expect(dialogFacts(reread)).toEqual(dialogFacts(r));
  });

  it('a message without Call-ID is grouped by its sender, not dropped', () => {
    const bytes = new TextEncoder().encode(
      'OPTIONS sip:x SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKx\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n',
    );
    const r = importCapture(
      pcapFile('raw', [{ ts: 0, data: ipPacket({ address: '192.0.2.1', port: 5060 }, { address: '192.0.2.2', port: 5060 }, 'udp', bytes) }]),
      'x',
    ).result;
    expect(r.attempts.map((a) => a.label)).toEqual(['OPTIONS from 192.0.2.1:5060 (Call-ID no-call-id-192.0)']);
  });
});

describe('dialog filter', () => {
  const rows = (): DialogRow[] => {
    const r = captureOf([
      [register(403), client({ ua: 'Jitsi2.10' })],
      [call('bye'), client({ ua: 'Linphone/5' })],
      [keepalive(false), client()],
    ]);
    return dialogFacts(r).map((f, i) => ({ ...f, startMs: i }));
  };
  const pick = (text: string, failuresOnly = false, from = rows()) =>
    selectDialogs(from, { filter: parseFilter(text, (id) => (id === 'x' ? [2] : undefined)), failuresOnly, sort: 'start', descending: false }).map(
      (d) => d.method,
    );

  it('keys, wildcards, bare words, failures only, finding', () => {
    expect(pick('status:4xx ua:jitsi')).toEqual(['REGISTER']);
    expect(pick('status:2xx')).toEqual(['INVITE']);
    expect(pick('status:none')).toEqual(['OPTIONS']);
    expect(pick('linphone')).toEqual(['INVITE']);
    expect(pick('', true)).toEqual(['REGISTER', 'OPTIONS']);
    expect(pick('finding:x')).toEqual(['INVITE']);
    expect(parseFilter('colour:red 203.0.113.9:5060').problems).toEqual([expect.stringMatching(/^colour is not a filter key \(use status, ip, /)]);
  });

  it('status: codes, classes, comparisons, ranges and alternatives; half-typed values wait, wrong ones are said', () => {
    expect(pick('status:403')).toEqual(['REGISTER']);
    expect(pick('status:4')).toEqual(['REGISTER']);
    expect(pick('status:40x')).toEqual(['REGISTER']);
    expect(pick('status:>=400')).toEqual(['REGISTER']);
    expect(pick('status:<300')).toEqual(['INVITE']);
    expect(pick('status:400-499')).toEqual(['REGISTER']);
    expect(pick('status:2xx,none')).toEqual(['INVITE', 'OPTIONS']);
    expect(pick('status:')).toEqual(['REGISTER', 'INVITE', 'OPTIONS']);
    expect(parseFilter('status:').problems).toEqual([]);
    for (const wrong of ['status:abc', 'status:4xx,', 'status:>=4', 'status:7xx', 'status:,', 'status:499-400'])
      expect(parseFilter(wrong).problems.length, wrong).toBe(wrong === 'status:4xx,' ? 0 : 1);
    expect(parseFilter('status:abc').problems[0]).toMatch(/status:abc is not a status \(try 486, 4xx/);
  });

  it('kind: takes method words too; callid: is exact unless it ends in *; ip: is an address, not a substring', () => {
    const all = rows();
    const among = (text: string) => pick(text, false, all);
    const invite = all.find((d) => d.method === 'INVITE')!;
    expect(pick('kind:register')).toEqual(['REGISTER']);
    expect(pick('kind:options')).toEqual(['OPTIONS']);
    expect(pick('kind:invite')).toEqual(['INVITE']);
    expect(parseFilter('kind:foo').problems).toEqual([expect.stringMatching(/kind:foo is not a kind/)]);
    expect(among(`callid:${invite.callId}`)).toEqual(['INVITE']);
    expect(among(`callid:${invite.callId.slice(1)}`)).toEqual([]);
    expect(among(`callid:${invite.callId.slice(0, 6)}*`)).toEqual(['INVITE']);
    const address = invite.client.address;
    expect(among(`ip:${address}`)).toContain('INVITE');
    expect(among(`ip:${address}:${invite.client.port}`)).toEqual(['INVITE']);
    expect(among(`ip:${address.slice(1)}`)).toEqual([]);
    expect(among(`ip:${address.slice(0, address.lastIndexOf('.') + 1)}`)).toContain('INVITE');
  });

  it('a pasted page of text uses its first words and says so', () => {
    const f = parseFilter(Array.from({ length: 1000 }, (_, i) => `w${i}`).join(' '));
    expect(f.terms).toHaveLength(MAX_FILTER_WORDS);
    expect(f.problems).toEqual([`only the first ${MAX_FILTER_WORDS} words are used`]);
  });
});
