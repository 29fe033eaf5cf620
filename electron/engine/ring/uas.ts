// The user agent server side of the ring test: requests that reach the registered flow are
// answered, and a call is never accepted. INVITE server transaction (RFC 3261 §17.2.1): 100 Trying,
// 180 Ringing, then 486 Busy Here after RINGING_MS; over UDP the final response is retransmitted on
// Timer G until the ACK, for at most Timer H. CANCEL (§9.2): 200 to the CANCEL and 487 to the
// INVITE. OPTIONS: 200 (§11.2). Everything else: 481 (BYE, no dialog) or 405.
import { sdpSummary } from '../../../shared/capture/dialogs.js';
import type { SipRequest } from '../../../shared/sip/message.js';
import { T1_MS, T2_MS } from '../../../shared/sip/timers.js';
import type { InboundInvite } from '../../../shared/model/ring.js';
import type { Endpoint, Transport } from '../../../shared/model/trace.js';
import type { Clock } from '../deps.js';
import { ALLOWED_METHODS, responseTo } from './responses.js';

/** How long the caller hears ringing before the 486: long enough to notice, short enough not to annoy. */
export const RINGING_MS = 2000;
/** Timer H (§17.2.1): 64*T1 waiting for the ACK of a non-2xx final response. */
export const TIMER_H_MS = 64 * T1_MS;
/** INVITE transactions handled per run; more (a flood) are traced and ignored. */
export const MAX_INVITE_TRANSACTIONS = 8;
/** Requests answered per run in all (retransmissions included): every loop here is bounded. */
export const MAX_ANSWERED_REQUESTS = 200;

export interface UasOptions {
  clock: Clock;
  transport: Transport;
  /** Run ms now (for the facts) and the run ms the registration was accepted. */
  elapsed(): number;
  registeredAt: number;
  /** The Contact we registered (put in 180, §12.1.1) and the registrar's endpoint. */
  contact: string;
  registrar: Endpoint;
  toTag: () => string;
  /** Sends on the registered flow (over UDP to `to`, the request's source) and traces it; returns the trace seq. */
  send(bytes: Uint8Array, note: string, to: Endpoint): number;
  /** Something changed (an INVITE arrived, a transaction ended). */
  onChange(): void;
}

interface InviteTransaction {
  facts: InboundInvite;
  request: SipRequest;
  state: 'proceeding' | 'completed' | 'terminated';
  /** Our To tag, the same on 180, 486 and 487 (one early dialog). */
  tag: string;
  /** Where answers go: the request's source (§18.2.2). */
  from: Endpoint;
  last: Uint8Array;
  cancelTimers: Array<() => void>;
}

export class InboundUas {
  readonly invites: InboundInvite[] = [];
  readonly otherRequests: Record<string, number> = {};
  private readonly txs = new Map<string, InviteTransaction>();
  private answered = 0;
  private readonly watchers = new Set<() => void>();

  constructor(private readonly o: UasOptions) {}

  /** True while an INVITE transaction still waits for its ringing to end, or for its ACK. */
  get busy(): boolean {
    return [...this.txs.values()].some((t) => t.state !== 'terminated');
  }

  /** One request from the flow (its trace seq, where it came from and where it arrived). */
  handle(req: SipRequest, seq: number, from: Endpoint, local: Endpoint): void {
    if (this.answered >= MAX_ANSWERED_REQUESTS) return;
    const branch = req.via[0]?.params.branch ?? '';
    const tx = this.txs.get(branch);
    if (req.method === 'INVITE') return tx ? this.retransmitted(tx, seq) : this.newInvite(req, branch, seq, from, local);
    if (req.method === 'ACK') return this.ack(tx, seq);
    this.otherRequests[req.method] = (this.otherRequests[req.method] ?? 0) + 1;
    if (req.method === 'CANCEL') return this.cancel(req, from, tx, seq);
    if (req.method === 'OPTIONS') return void this.answer(req, from, 200, 'OPTIONS answered', [['Allow', ALLOWED_METHODS]]);
    if (req.method === 'BYE') return void this.answer(req, from, 481, 'BYE answered: no call was accepted');
    this.answer(req, from, 405, `${req.method} not supported here`, [['Allow', ALLOWED_METHODS]]);
  }

  /** Calls `fn` on every change (an INVITE arrived, a transaction ended); returns how to stop. */
  watch(fn: () => void): () => void {
    this.watchers.add(fn);
    return () => void this.watchers.delete(fn);
  }

  private changed(): void {
    this.o.onChange();
    for (const fn of this.watchers) fn();
  }

  /** Stops every timer (the test ends; the flow closes). */
  close(): void {
    for (const tx of this.txs.values()) this.terminate(tx);
  }

  private answer(req: SipRequest, to: Endpoint, status: number, note: string, extra: Array<readonly [string, string]> = []): number {
    this.answered++;
    return this.o.send(responseTo(req, status, this.o.toTag(), extra), note, to);
  }

  private newInvite(req: SipRequest, branch: string, seq: number, from: Endpoint, local: Endpoint): void {
    if (this.txs.size >= MAX_INVITE_TRANSACTIONS) return;
    const at = this.o.elapsed();
    const sdp = req.body.length ? sdpSummary(req.body, 0, req.body.length, seq) : undefined;
    const contact = req.contact === '*' ? undefined : req.contact[0]?.uri.raw;
    const facts: InboundInvite = {
      at,
      afterRegistrationMs: Math.round(at - this.o.registeredAt),
      transport: this.o.transport,
      from,
      local,
      fromRegistrar: from.address === this.o.registrar.address && from.port === this.o.registrar.port,
      requestUri: req.requestUri,
      contact,
      sdpAddress: sdp?.address || undefined,
      sdpPort: sdp?.port,
      callId: req.callId ?? '',
      caller: req.from?.uri.raw ?? '',
      retransmissions: 0,
      finalStatus: 0,
      acked: false,
      cancelled: false,
      traceSeqs: [seq],
    };
    const tag = this.o.toTag();
    const tx: InviteTransaction = { facts, request: req, state: 'proceeding', tag, from, last: new Uint8Array(0), cancelTimers: [] };
    this.txs.set(branch, tx);
    this.invites.push(facts);
    this.respond(tx, responseTo(req, 100, tag), '100 Trying');
    this.respond(tx, responseTo(req, 180, tag, [['Contact', `<${this.o.contact}>`]]), '180 Ringing (never answered: this is a test)');
    tx.cancelTimers.push(
      this.o.clock.setTimer(() => this.final(tx, responseTo(req, 486, tag), 486, '486 Busy Here (the test never accepts a call)'), RINGING_MS),
    );
    this.changed();
  }

  private respond(tx: InviteTransaction, bytes: Uint8Array, note: string): void {
    this.answered++;
    tx.last = bytes;
    tx.facts.traceSeqs.push(this.o.send(bytes, note, tx.from));
  }

  /** §17.2.1: a retransmitted INVITE gets the most recent response again. */
  private retransmitted(tx: InviteTransaction, seq: number): void {
    tx.facts.retransmissions++;
    tx.facts.traceSeqs.push(seq);
    if (tx.state !== 'terminated' && tx.last.length) this.respond(tx, tx.last, 'the last response again (INVITE retransmitted)');
  }

  /** The final response; over UDP Timer G retransmits it (T1, doubling to T2) until ACK or Timer H. */
  private final(tx: InviteTransaction, bytes: Uint8Array, status: number, note: string): void {
    if (tx.state !== 'proceeding') return;
    for (const stop of tx.cancelTimers.splice(0)) stop();
    tx.state = 'completed';
    tx.facts.finalStatus = status;
    this.respond(tx, bytes, note);
    const { clock } = this.o;
    const retransmit = (interval: number): void => {
      tx.cancelTimers.push(
        clock.setTimer(() => {
          if (tx.state !== 'completed' || this.answered >= MAX_ANSWERED_REQUESTS) return;
          this.respond(tx, bytes, `${status} again (Timer G: no ACK yet)`);
          retransmit(Math.min(interval * 2, T2_MS));
        }, interval),
      );
    };
    if (this.o.transport === 'udp') retransmit(T1_MS);
    tx.cancelTimers.push(clock.setTimer(() => this.terminate(tx), TIMER_H_MS));
    this.changed();
  }

  private ack(tx: InviteTransaction | undefined, seq: number): void {
    if (!tx) return;
    tx.facts.traceSeqs.push(seq);
    if (tx.state !== 'completed') return;
    tx.facts.acked = true;
    this.terminate(tx);
  }

  private cancel(req: SipRequest, from: Endpoint, tx: InviteTransaction | undefined, seq: number): void {
    if (!tx) return void this.answer(req, from, 481, 'CANCEL for no call we know');
    tx.facts.traceSeqs.push(seq, this.answer(req, from, 200, 'CANCEL accepted'));
    if (tx.state !== 'proceeding') return;
    tx.facts.cancelled = true;
    this.final(tx, responseTo(tx.request, 487, tx.tag), 487, '487 Request Terminated (cancelled by the caller)');
  }

  private terminate(tx: InviteTransaction): void {
    for (const stop of tx.cancelTimers.splice(0)) stop();
    if (tx.state === 'terminated') return;
    tx.state = 'terminated';
    this.changed();
  }
}
