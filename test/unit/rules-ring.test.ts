// Ring and callback findings from recorded results: each rule fires on its own evidence only.
import { describe, expect, it } from 'vitest';
import { diagnoseCallback, diagnoseRing, keepAliveFor } from '../../shared/diagnosis/rules-ring.js';
import type { CallbackResult, InboundInvite, RingResult } from '../../shared/model/ring.js';

const invite = (over: Partial<InboundInvite> = {}): InboundInvite => ({
  at: 1500,
  afterRegistrationMs: 1000,
  transport: 'udp',
  from: { address: '198.51.100.5', port: 5060 },
  local: { address: '192.168.1.20', port: 40000 },
  fromRegistrar: true,
  requestUri: 'sip:alice@192.168.1.20:40000;transport=udp',
  contact: 'sip:bob@198.51.100.9',
  sdpAddress: '198.51.100.9',
  sdpPort: 4000,
  callId: 'c1',
  caller: 'sip:bob@example.net',
  retransmissions: 0,
  finalStatus: 486,
  acked: true,
  cancelled: false,
  traceSeqs: [7, 8, 9],
  ...over,
});

const ring = (invites: InboundInvite[], over: Partial<RingResult> = {}): RingResult => ({
  kind: 'ring',
  startedAt: '',
  durationMs: 3000,
  transport: 'udp',
  waitS: 60,
  outcome: invites.length ? 'invite-arrived' : 'no-invite',
  waitedMs: 2000,
  invites,
  rounds: [],
  attempt: {
    id: 1,
    label: 'UDP registration',
    transport: 'udp',
    target: { host: 'sip.example.net', address: '198.51.100.5', port: 5060 },
    sourcePortMode: 'ephemeral',
    rport: true,
    outcome: 'registered',
    detail: '',
    durationMs: 100,
    startedAt: 0,
    requestsSent: 2,
    retransmissions: 0,
    responsesFromElsewhere: [],
    traceSeqs: [1, 2, 3, 4],
  },
  registration: {
    contact: 'sip:alice@192.168.1.20:40000;transport=udp',
    local: { address: '192.168.1.20', port: 40000 },
    received: '203.0.113.7',
    rport: 61000,
  },
  otherRequests: {},
  unregistered: true,
  trace: [{ seq: 1, t: 0, attempt: 1, kind: 'sent' }],
  ...over,
});

const ids = (r: RingResult): string[] => diagnoseRing(r).findings.map((f) => f.id);

describe('ring findings', () => {
  it('a clean call: only that calls arrive', () => {
    expect(ids(ring([invite()]))).toEqual(['ring-invite-arrived']);
  });

  it('a Request-URI naming the public address the server saw is the provider reaching us (info), any other one a warning', () => {
    const toPublic = diagnoseRing(ring([invite({ requestUri: 'sip:alice@203.0.113.7:61000' })])).findings.find((f) => f.id === 'ring-request-uri-not-contact')!;
    expect(toPublic).toMatchObject({ severity: 'info', evidence: [7] });
    const elsewhere = diagnoseRing(ring([invite({ requestUri: 'sip:alice@10.9.9.9:5060' })])).findings.find((f) => f.id === 'ring-request-uri-not-contact')!;
    expect(elsewhere.severity).toBe('warning');
  });

  it('private addresses count only in a call from a public source', () => {
    expect(ids(ring([invite({ sdpAddress: '10.0.0.8' })]))).toContain('ring-private-address-in-invite');
    expect(ids(ring([invite({ sdpAddress: '10.0.0.8', from: { address: '10.0.0.1', port: 5060 } })]))).not.toContain('ring-private-address-in-invite');
  });

  it('a 486 never ACKed over UDP: the answers are lost on the way out (not after a CANCEL)', () => {
    expect(ids(ring([invite({ acked: false, retransmissions: 6 })]))).toContain('ring-answers-lost');
    expect(ids(ring([invite({ acked: false, cancelled: true, finalStatus: 487 })]))).not.toContain('ring-answers-lost');
  });

  it('a repeat after an idle period that never came: calls stop arriving, with a keep-alive interval inside what worked', () => {
    const r = ring([invite({ afterRegistrationMs: 4000 })], {
      rounds: [
        { idleS: 30, quietAtPromptS: 30, quietS: 31, arrived: true },
        { idleS: 120, quietAtPromptS: 120, arrived: false },
      ],
    });
    const f = diagnoseRing(r).findings.find((x) => x.id === 'ring-idle-call-lost')!;
    expect(f.title).toBe('Calls stop arriving after 120 s without traffic');
    expect(f.fix[0]).toMatch(/every 24 s or less/);
    expect(ids(ring([invite()], { rounds: [{ idleS: 30, quietAtPromptS: 30, quietS: 30, arrived: true }] }))).not.toContain('ring-idle-call-lost');
  });

  it('no call: the NAT is named only when received/rport differ from the local address', () => {
    const natted = diagnoseRing(ring([])).findings[0]!;
    expect(natted.id).toBe('ring-no-invite');
    expect(natted.explanation).toMatch(/router translates addresses/);
    const direct = ring([], {
      registration: { contact: 'sip:alice@198.51.100.20:5060', local: { address: '198.51.100.20', port: 5060 }, received: '198.51.100.20', rport: 5060 },
    });
    expect(diagnoseRing(direct).findings[0]!.explanation).not.toMatch(/router translates/);
  });
});

describe('callback findings', () => {
  const base: CallbackResult = {
    kind: 'callback',
    startedAt: '',
    durationMs: 0,
    transport: 'udp',
    reflector: { address: '198.51.100.20', port: 5099 },
    registered: true,
    detail: '',
    probes: [],
    trace: [],
  };
  const probe = (delayS: number, arrived: boolean, quietS: number) => ({
    delayS,
    optionsArrived: arrived,
    inviteArrived: arrived,
    rewritten: [],
    traceSeqs: arrived ? [delayS] : [],
    quietS,
  });

  it('a lifetime bracketed between 30 and 120 s recommends keep-alives inside it', () => {
    const d = diagnoseCallback({ ...base, probes: [probe(30, true, 30), probe(120, false, 88)], openAtLeastS: 30, closedByS: 88 });
    expect(d.findings[0]).toMatchObject({ id: 'callback-binding-expired', fix: [expect.stringMatching(/every 24 s or less/), expect.any(String)] });
  });

  it('keep-alive interval: a share of the open time, none below the minimum or without a closed bound', () => {
    expect(keepAliveFor(30, 88)).toBe(24);
    expect(keepAliveFor(5, 8)).toBeUndefined();
    expect(keepAliveFor(300, undefined)).toBeUndefined();
  });

  it('a rewritten INVITE is an ALG', () => {
    const rewritten = [{ what: 'SDP c=', sent: 'c=IN IP4 198.51.100.20', seen: 'c=IN IP4 192.168.1.1' }];
    expect(diagnoseCallback({ ...base, probes: [{ ...probe(5, true, 5), rewritten }], openAtLeastS: 5 }).findings.map((f) => f.id)).toEqual([
      'callback-invite-rewritten',
    ]);
  });
});
