// NAT behaviour discovery with STUN (RFC 5780 §4): mapping, filtering, hairpinning, port
// preservation and binding lifetime. Reports observations; shared/diagnosis judges them.
import { toHex } from '../../../shared/hash/utf8.js';
import { changeRequest } from '../../../shared/stun/attributes.js';
import { ATTR } from '../../../shared/stun/message.js';
import { classicName, classifyFiltering, classifyMapping, keepAliveRecommendation } from '../../../shared/stun/nat-behaviour.js';
import type { BindingLifetime, PortPreservation, StunNatResult } from '../../../shared/model/path-results.js';
import type { Endpoint } from '../../../shared/model/trace.js';
import { sleep } from '../deps.js';
import { familyOf, type UdpEndpoint } from '../transports/udp-endpoint.js';
import { bindingTransaction, STUN_RTO_MS, type BindingReply, type StunContext } from './stun-client.js';
import type { ProbeEnv } from './env.js';

export const DEFAULT_STUN_PORT = 3478;
/** How long the hairpinned datagram may take to come back. */
export const HAIRPIN_WAIT_MS = 1000;
/** Idle times tried by the binding-lifetime test, up to the user's limit (seconds). */
export const LIFETIME_STEPS_S = [5, 10, 20, 30, 45, 60, 90, 120, 180, 300];
/** Longest binding-lifetime test a user may ask for. */
export const MAX_BINDING_LIFETIME_S = 300;

export interface StunNatOptions {
  host: string;
  address: string;
  port: number;
  /** Local ports whose preservation is tested (5060 by default: the seed-000 question). */
  preservePorts: number[];
  /** 0 skips the binding-lifetime test. */
  bindingLifetimeS: number;
  /**
   * The server is at the address of the SIP Ladder reflector the user named (--reflector): pad test I
   * at once. Otherwise test I goes out plain, and padded only if the plain one is slow (see firstBinding).
   */
  padFirst?: boolean;
}

const same = (a: Endpoint | null | undefined, b: Endpoint | null | undefined): boolean => !!a && !!b && a.address === b.address && a.port === b.port;
const text = (e?: Endpoint | null): string => (e ? `${e.address}:${e.port}` : '?');

/** One run of the probe: its options, its result as it fills, and the sockets it opens (closed at the end). */
interface StunRun extends Omit<ProbeEnv, 'rate'> {
  o: StunNatOptions;
  primary: Endpoint;
  result: StunNatResult;
  ctx: StunContext;
  socket(localPort?: number): Promise<UdpEndpoint>;
}

export async function probeStunNat(o: StunNatOptions & Omit<ProbeEnv, 'rate'>): Promise<StunNatResult> {
  const { deps, trace, attempt, signal } = o;
  const t0 = deps.clock.now();
  const primary = { address: o.address, port: o.port };
  const result: StunNatResult = {
    server: { host: o.host, ...primary },
    outcome: 'ok',
    detail: '',
    portPreservation: [],
    skipped: [],
    durationMs: 0,
    traceSeqs: [],
  };
  const ctx: StunContext = { deps, trace, attempt, signal, traceSeqs: result.traceSeqs, pad: o.padFirst ?? false };
  const open: UdpEndpoint[] = [];
  const socket = async (localPort?: number): Promise<UdpEndpoint> => {
    const ep = await deps.openUdpEndpoint({ family: familyOf(o.address), localPort, toward: primary });
    open.push(ep);
    return ep;
  };
  const run: StunRun = { o, deps, trace, attempt, signal, primary, result, ctx, socket };
  const finish = (): StunNatResult => {
    result.durationMs = Math.round(deps.clock.now() - t0);
    if (signal.aborted) result.outcome = 'aborted';
    return result;
  };
  try {
    // Test I (§4.3): our mapping as seen by the primary address, and the alternate address.
    const a = await socket();
    result.local = a.local;
    const first = await firstBinding(run, a);
    if (!first || !first.xorMapped) {
      result.outcome = first ? 'error' : 'no-response';
      result.detail = first
        ? `server answered without XOR-MAPPED-ADDRESS${first.error ? ` (${first.error.code} ${first.error.reason})` : ''}`
        : `no STUN response from ${text(primary)}`;
      return finish();
    }
    result.mapped = first.xorMapped;
    // Only a SIP Ladder reflector needs padded requests (it sends SIPLADDER-COOKIE); spare others the padding.
    ctx.pad = first.cookie !== null;
    if (first.mapped) {
      result.mappedPlain = first.mapped;
      // A middlebox that rewrites addresses in payloads (an ALG) changes MAPPED-ADDRESS but cannot see through the XOR.
      result.mappedRewritten = !same(first.mapped, first.xorMapped);
    }
    const other = first.other;
    result.otherAddress = other ?? undefined;
    const tasks: Array<Promise<void>> = [];
    if (!other) {
      result.skipped.push('mapping and filtering behaviour: the server did not send OTHER-ADDRESS (it needs two IP addresses for RFC 5780)');
    } else {
      tasks.push(mappingTests(run, a, first.xorMapped, other), filteringTests(run, other));
    }
    tasks.push(hairpinTest(run));
    for (const p of o.preservePorts) tasks.push(portPreservation(run, p));
    if (o.bindingLifetimeS > 0) tasks.push(lifetimeTest(run));
    await Promise.all(tasks);
    if (result.mapping) result.classic = classicName(result.mapping, result.filtering);
    result.detail = `public address ${text(result.mapped)}${result.classic ? `; ${result.classic}` : ''}`;
    return finish();
  } catch (e) {
    result.outcome = signal.aborted ? 'aborted' : 'error';
    result.detail = (e as Error).message;
    return finish();
  } finally {
    for (const ep of open) ep.close();
  }
}

/**
 * Test I. RFC 5780 §7.6 PADDING exists to make a message fragment, and a server SHOULD pad its answer
 * to a padded request to the MTU (§6.1) — coturn does, so on a path that drops fragments a padded
 * Binding is never answered. A plain Binding (RFC 8489 §6.2) is the right request; only a SIP Ladder
 * reflector needs padding (it never answers an unproven source with more bytes than it received), so
 * a padded one follows when the plain one is unanswered after its first retransmission timeout: the
 * server may be a reflector named only as the STUN server (the app has no reflector field). Toward
 * the named reflector it is the other way round (padded first, plain next: another server may share
 * its address). The two overlap, so a silent server costs STUN_RTO_MS + one transaction wait, not two.
 */
async function firstBinding(run: StunRun, a: UdpEndpoint): Promise<BindingReply | null> {
  const settled = new AbortController();
  const until = AbortSignal.any([run.signal, settled.signal]);
  const first = bindingTransaction({ ...run.ctx, signal: until }, a, run.primary, [], 'Binding (test I)');
  const early = await Promise.race([
    first,
    sleep(run.deps.clock, STUN_RTO_MS, until).then(
      () => undefined,
      () => undefined,
    ),
  ]);
  if (early !== undefined || until.aborted) return early ?? first;
  const other = bindingTransaction(
    { ...run.ctx, pad: !run.ctx.pad, signal: until },
    a,
    run.primary,
    [],
    `Binding (test I, ${run.ctx.pad ? 'plain' : 'padded for a SIP Ladder reflector'})`,
  );
  // The first answer wins and ends the other transaction; null only when both went unanswered.
  const reply = await new Promise<BindingReply | null>((resolve) => {
    let unanswered = 0;
    for (const t of [first, other]) void t.then((r) => (r ? resolve(r) : ++unanswered === 2 && resolve(null)));
  });
  settled.abort();
  return reply;
}

async function mappingTests(run: StunRun, a: UdpEndpoint, m1: Endpoint, other: Endpoint): Promise<void> {
  const r2 = await bindingTransaction(run.ctx, a, { address: other.address, port: run.primary.port }, [], 'Binding to alternate IP (test II)');
  if (!r2?.xorMapped) return void run.result.skipped.push('mapping behaviour: no answer from the alternate IP address');
  let m3: Endpoint | undefined;
  if (!same(m1, r2.xorMapped)) {
    const r3 = await bindingTransaction(run.ctx, a, other, [], 'Binding to alternate IP and port (test III)');
    if (!r3?.xorMapped) return void run.result.skipped.push('mapping behaviour: no answer from the alternate address and port');
    m3 = r3.xorMapped;
  }
  run.result.mapping = classifyMapping(a.local, m1, r2.xorMapped, m3) ?? undefined;
}

async function filteringTests(run: StunRun, other: Endpoint): Promise<void> {
  // §4.4: a fresh binding toward the run.primary address, then ask the server to answer from another IP
  // and port (test II), or from another port (test III). Each test gets its own run.socket and binding,
  // so they run at once and a filtered answer costs one transaction wait, not two; a binding that has
  // only ever talked to the run.primary address is what each test needs, so the results are the same.
  const [both, port] = await Promise.all([
    filteringTest(run, changeRequest(true, true), 'II', 'change IP and port'),
    filteringTest(run, changeRequest(false, true), 'III', 'change port'),
  ]);
  if (both === 'unbound' || port === 'unbound') return void run.result.skipped.push('filtering behaviour: no answer to the initial Binding');
  if (both && !same(both.from, { address: other.address, port: other.port })) {
    run.result.skipped.push(`filtering behaviour: the "change IP and port" answer came from ${text(both.from)}, not the alternate address`);
    return;
  }
  run.result.filtering = classifyFiltering(!!both, !!port);
}

/** One filtering test on a fresh socket: 'unbound' when its initial Binding went unanswered. */
async function filteringTest(run: StunRun, change: Uint8Array, test: 'II' | 'III', what: string): Promise<BindingReply | null | 'unbound'> {
  const f = await run.socket();
  const base = await bindingTransaction(run.ctx, f, run.primary, [], `Binding (filtering test I, run.socket of test ${test})`);
  if (!base) return 'unbound';
  return bindingTransaction(run.ctx, f, run.primary, [{ type: ATTR.CHANGE_REQUEST, value: change }], `Binding, ${what} (filtering test ${test})`);
}

async function hairpinTest(run: StunRun): Promise<void> {
  // §4.5: send to our own public address from another local run.socket; hairpinning delivers it to `h`.
  const h = await run.socket();
  const hm = await bindingTransaction(run.ctx, h, run.primary, [], 'Binding (hairpin test: learn mapping)');
  if (!hm?.xorMapped) return void run.result.skipped.push('hairpinning: no answer to the initial Binding');
  const sender = await run.socket();
  // A random token tells our datagram apart from anything else arriving on `h`.
  const probe = new TextEncoder().encode(`sipladder hairpin ${toHex(run.deps.random(8))}`);
  const arrived = new Promise<boolean>((resolve) => {
    h.onMessage((b) => b.length === probe.length && b.every((v, i) => v === probe[i]) && resolve(true));
    void sleep(run.deps.clock, HAIRPIN_WAIT_MS, run.signal).then(
      () => resolve(false),
      () => resolve(false),
    );
  });
  sender.send(probe, hm.xorMapped);
  const seq = run.trace.add({
    attempt: run.attempt,
    kind: 'sent',
    transport: 'udp',
    local: sender.local,
    remote: hm.xorMapped,
    bytes: probe,
    note: 'hairpin: datagram to our own public address',
  });
  if (seq > 0) run.result.traceSeqs.push(seq);
  run.result.hairpinning = await arrived;
}

async function portPreservation(run: StunRun, localPort: number): Promise<void> {
  let ep: UdpEndpoint;
  try {
    ep = await run.socket(localPort);
  } catch (e) {
    run.result.portPreservation.push({ localPort, detail: `local port ${localPort} not usable (${(e as NodeJS.ErrnoException).code ?? 'error'})` });
    return;
  }
  const r = await bindingTransaction(run.ctx, ep, run.primary, [], `Binding from local port ${localPort} (port preservation)`);
  const entry: PortPreservation = r?.xorMapped
    ? {
        localPort,
        mappedPort: r.xorMapped.port,
        preserved: r.xorMapped.port === localPort,
        detail: `local port ${localPort} appears as public port ${r.xorMapped.port}`,
      }
    : { localPort, detail: 'no STUN answer' };
  run.result.portPreservation.push(entry);
}

async function lifetimeTest(run: StunRun): Promise<void> {
  // §4.6: hold bindings idle for different times, then have the server answer to each old
  // mapping (RESPONSE-PORT from another run.socket); the answer only arrives if the binding survived.
  const steps = LIFETIME_STEPS_S.filter((s) => s <= Math.min(run.o.bindingLifetimeS, MAX_BINDING_LIFETIME_S));
  const lifetime: BindingLifetime = { aliveAfter: [], expiredAfter: [], detail: '' };
  run.result.bindingLifetime = lifetime;
  await Promise.all(
    steps.map(async (s) => {
      const idle = await run.socket();
      const m = await bindingTransaction(run.ctx, idle, run.primary, [], `Binding (lifetime ${s} s: open)`);
      if (!m?.xorMapped) return;
      let heard = false;
      idle.onMessage(() => (heard = true));
      await sleep(run.deps.clock, s * 1000, run.signal);
      const asker = await run.socket();
      const portAttr = new Uint8Array(4);
      new DataView(portAttr.buffer).setUint16(0, m.xorMapped.port);
      // A SIP Ladder reflector redirects only for a source that proved, with its cookie, that it receives answers.
      const proof = run.ctx.pad
        ? (await bindingTransaction(run.ctx, asker, run.primary, [], `Binding (lifetime ${s} s: cookie for RESPONSE-PORT)`))?.cookie
        : null;
      // Without its cookie the reflector would not redirect: silence would read as an expired binding, so this idle time stays unknown.
      if (run.ctx.pad && !proof) return;
      const attributes = [{ type: ATTR.RESPONSE_PORT, value: portAttr }, ...(proof ? [{ type: ATTR.SIPLADDER_COOKIE, value: proof }] : [])];
      const r = await bindingTransaction(run.ctx, asker, run.primary, attributes, `Binding with RESPONSE-PORT ${m.xorMapped.port} (lifetime ${s} s: check)`);
      if (r?.error) {
        lifetime.detail = `server rejected RESPONSE-PORT (${r.error.code} ${r.error.reason}): binding lifetime cannot be measured with it`;
        return;
      }
      await sleep(run.deps.clock, 300, run.signal).catch(() => undefined);
      (heard ? lifetime.aliveAfter : lifetime.expiredAfter).push(s);
    }),
  ).catch(() => undefined);
  lifetime.aliveAfter.sort((x, y) => x - y);
  lifetime.expiredAfter.sort((x, y) => x - y);
  lifetime.recommendation = keepAliveRecommendation(lifetime.aliveAfter, lifetime.expiredAfter) ?? undefined;
  if (!lifetime.detail) {
    lifetime.detail = lifetime.expiredAfter.length
      ? `UDP binding expired after ${Math.min(...lifetime.expiredAfter)} s idle` +
        (lifetime.aliveAfter.length ? ` (survived ${Math.max(...lifetime.aliveAfter)} s)` : '')
      : lifetime.aliveAfter.length
        ? `UDP binding survived ${Math.max(...lifetime.aliveAfter)} s idle`
        : 'no answers: lifetime unknown';
  }
}
