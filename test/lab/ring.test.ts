// Lab: the ring test behind the NAT router, against a Kamailio that routes calls to registered
// contacts, with a scripted caller on the provider's side placing the call when the CLI says
// "Call … now". Healthy path; a router that forgets idle UDP mappings fast; a provider without NAT
// handling (calls go to the private Contact); the lab's SIP ALG.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnoseRing } from '../../shared/diagnosis/rules-ring.js';
import type { RingResult } from '../../shared/model/ring.js';
import { labUnavailableReason, LAB_USER, NAT_PUBLIC_IP, SERVER_IP, SERVER_IP2, sipAlg } from './lab.js';
import { callFromServerSide, CallingKamailio, hasUdpMapping, ringFromClient, setUdpTimeouts } from './ring-lab.js';
import type { CallOutcome } from './ring-caller.js';
import { useLab } from './use-lab.js';

const unavailable = labUnavailableReason();
if (unavailable) console.warn(`lab tests skipped: ${unavailable}`);

/** The router's UDP timeout in the fast-forgetting case, and the caller's own bound. */
const SHORT_UDP_TIMEOUT_S = 3;
const CALLER_TIMEOUT_MS = 8000;
const call = (): Promise<CallOutcome> =>
  callFromServerSide({ bind: SERVER_IP2, to: { address: SERVER_IP, port: 5060 }, requestUri: `sip:${LAB_USER}@${SERVER_IP}`, timeoutMs: CALLER_TIMEOUT_MS });

/** Resolves once the router has forgotten the client's mapping to the registrar (bounded by `ms`). */
async function mappingGone(ms: number): Promise<boolean> {
  for (const end = performance.now() + ms; performance.now() < end;) {
    if (!hasUdpMapping(5060)) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

/** Runs the ring CLI and, each time it waits, `dial(n)`; returns the result, the first caller's view and the wall time. */
async function ring(args: string[], dial: (n: number) => Promise<CallOutcome | undefined>) {
  let caller: Promise<CallOutcome | undefined> | undefined;
  const run = await ringFromClient(args, (n) => {
    const placed = dial(n);
    caller ??= placed;
  });
  const result = JSON.parse(run.stdout) as RingResult & { diagnosis: ReturnType<typeof diagnoseRing> };
  return { run, result, caller: await caller, ids: result.diagnosis.findings.map((f) => f.id) };
}

describe.skipIf(unavailable !== null)('lab: ring test through the NAT', () => {
  const alg = sipAlg();
  useLab({ processes: [alg] });
  const kamailio = new CallingKamailio();
  beforeAll(() => kamailio.start(true), 30_000);
  afterAll(async () => {
    await kamailio.stop();
    kamailio.dispose();
  });

  it('healthy path: the INVITE comes through the NAT on the registered flow, 180 then 486, the binding is removed', async () => {
    const { run, result, caller, ids } = await ring(['--wait', '15'], call);
    console.log(`ring healthy: ${run.wallMs} ms wall, INVITE ${result.invites[0]?.afterRegistrationMs} ms after registering`);
    expect(run.code, run.stderr).toBe(0);
    expect(caller?.statuses).toEqual(expect.arrayContaining([180, 486]));
    expect(result.registration).toMatchObject({ received: NAT_PUBLIC_IP });
    expect(result.invites[0]).toMatchObject({ fromRegistrar: true, finalStatus: 486, acked: true, transport: 'udp', local: { address: '192.168.77.2' } });
    expect(result.invites[0]!.requestUri).toBe(result.registration!.contact);
    expect(result.unregistered).toBe(true);
    expect(ids).toEqual(['ring-invite-arrived']);
  }, 60_000);

  it('over TCP: the call comes over the registered connection', async () => {
    const { run, result } = await ring(['--wait', '15', '--transports', 'tcp'], call);
    expect(run.code, run.stderr).toBe(0);
    expect(result.invites[0]).toMatchObject({ transport: 'tcp', fromRegistrar: true, finalStatus: 486 });
  }, 60_000);

  it('a router that forgets idle UDP mappings after 3 s: the call placed later never arrives', async () => {
    const old = setUdpTimeouts(SHORT_UDP_TIMEOUT_S);
    try {
      const { run, result, caller, ids } = await ring(['--wait', '12'], async () => ((await mappingGone(10_000)) ? call() : undefined));
      console.log(`ring short conntrack: ${run.wallMs} ms wall`);
      expect(caller, 'the mapping was forgotten and the call placed').toBeDefined();
      expect(caller!.statuses.every((s) => s !== 180)).toBe(true);
      expect(run.code).toBe(1);
      expect(result.outcome).toBe('no-invite');
      expect(ids).toEqual(['ring-no-invite']);
      expect(result.diagnosis.findings[0]!.explanation).toMatch(/router translates addresses/);
    } finally {
      setUdpTimeouts(old.udp);
    }
  }, 60_000);

  it('--idle with a router that forgets after 3 s: the first call arrives, the one after 6 s of quiet does not', async () => {
    const old = setUdpTimeouts(SHORT_UDP_TIMEOUT_S);
    try {
      const { run, result, ids } = await ring(['--wait', '6', '--idle', '6'], () => call());
      console.log(`ring --idle 6 with short conntrack: ${run.wallMs} ms wall; rounds ${JSON.stringify(result.rounds)}`);
      expect(run.code).toBe(0);
      expect(result.invites).toHaveLength(1);
      expect(result.rounds).toEqual([expect.objectContaining({ idleS: 6, arrived: false })]);
      expect(result.rounds[0]!.quietAtPromptS).toBeGreaterThan(SHORT_UDP_TIMEOUT_S);
      expect(ids).toContain('ring-idle-call-lost');
    } finally {
      setUdpTimeouts(old.udp);
    }
  }, 60_000);

  it('a provider without NAT handling sends the call to the private Contact: it never arrives', async () => {
    await kamailio.start(false);
    try {
      const { run, result, caller, ids } = await ring(['--wait', '8'], call);
      expect(run.code).toBe(1);
      expect(caller!.statuses.some((s) => s >= 400)).toBe(true);
      expect(result.outcome).toBe('no-invite');
      expect(ids).toEqual(['ring-no-invite']);
      expect(result.diagnosis.findings[0]!.fix.join(' ')).toMatch(/received\/rport/);
    } finally {
      await kamailio.start(true);
    }
  }, 60_000);

  it("through the lab's SIP ALG: the call arrives carrying private addresses from a public server", async () => {
    alg.enable();
    // A domain the ALG's text replacement leaves alone: it rewrites every "203.0.113.1…" in answers,
    // the registrar's address included, which would break the digest realm and the login.
    const { run, result, ids } = await ring(['--wait', '15', '--domain', 'lab.test'], call);
    expect(run.code, run.stderr).toBe(0);
    // The ALG turns the public address in the 200 OK's Via received= back into our private one.
    expect(result.registration!.received).toBe('192.168.77.2');
    const invite = result.invites[0]!;
    expect(invite).toMatchObject({ finalStatus: 486, fromRegistrar: true, sdpAddress: '192.168.77.21' });
    expect(invite.contact).toMatch(/@192\.168\.77\.21:/);
    expect(ids).toEqual(['ring-invite-arrived', 'ring-private-address-in-invite']);
  }, 60_000);
});
