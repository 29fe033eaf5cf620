// TLS hygiene of the server's SIP TLS port: does it still complete a handshake with TLS 1.0 or 1.1
// (deprecated by RFC 8996), or with cipher suites that lack forward secrecy or use CBC with SHA-1?
// Only handshakes: no SIP is sent on these connections, and each waits for the rate limiter.
import tls from 'node:tls';
import type { AuditRecord, AuditTlsHandshake } from '../../shared/audit/model.js';
import type { AttemptResult } from '../../shared/model/results.js';
import type { Target } from '../engine/dns.js';
import { servernameFor } from '../engine/transports/stream.js';
import type { AuditRun } from './session.js';

/** One handshake's bound: a server that neither completes nor refuses it counts as no connection. */
export const HANDSHAKE_DEADLINE_MS = 2500;

/**
 * Suites offered by the weak-cipher handshake (TLS 1.2): static RSA key exchange (no forward
 * secrecy) and CBC with SHA-1. OpenSSL 3 has no RC4, DES or export suites left to offer.
 */
export const WEAK_CIPHERS =
  'AES128-SHA:AES256-SHA:AES128-SHA256:AES256-SHA256:AES128-GCM-SHA256:AES256-GCM-SHA384:ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-SHA:ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA@SECLEVEL=0';

type Offer = AuditTlsHandshake['offer'];
const OFFERS: Array<{ offer: Offer; options: tls.ConnectionOptions }> = [
  // SECLEVEL=0: our own library must be willing to speak the old versions for the question to be asked at all.
  { offer: 'TLSv1', options: { minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' } },
  { offer: 'TLSv1.1', options: { minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' } },
  { offer: 'weak-ciphers', options: { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: WEAK_CIPHERS } },
];

export type ConnectTls = (o: tls.ConnectionOptions) => tls.TLSSocket;

/** Errors raised by our own library before anything reached the server. */
const LOCAL_REFUSAL = /no (?:protocols|ciphers) available|unsupported protocol|NO_CIPHERS|no cipher match/i;

function handshake(target: Target, options: tls.ConnectionOptions, connect: ConnectTls): Promise<Omit<AuditTlsHandshake, 'offer' | 'seq'>> {
  return new Promise((resolve) => {
    let socket: tls.TLSSocket;
    const finish = (r: Omit<AuditTlsHandshake, 'offer' | 'seq'>): void => {
      clearTimeout(timer);
      socket?.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => finish({ outcome: 'no-connection', detail: `no handshake within ${HANDSHAKE_DEADLINE_MS} ms` }), HANDSHAKE_DEADLINE_MS);
    try {
      const servername = servernameFor(target.host);
      socket = connect({ host: target.address, port: target.port, servername: servername || undefined, rejectUnauthorized: false, ...options });
    } catch (e) {
      return finish({ outcome: 'unsupported-here', detail: `this computer's TLS library cannot offer it: ${(e as Error).message}` });
    }
    socket.once('secureConnect', () =>
      finish({ outcome: 'accepted', protocol: socket.getProtocol() ?? undefined, cipher: socket.getCipher()?.name, detail: 'handshake completed' }),
    );
    socket.once('error', (e: NodeJS.ErrnoException) => {
      const code = e.code ?? '';
      if (LOCAL_REFUSAL.test(e.message)) finish({ outcome: 'unsupported-here', detail: `this computer's TLS library cannot offer it: ${e.message}` });
      else if (/ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT/.test(code)) finish({ outcome: 'no-connection', detail: `${code}: no TLS connection` });
      else finish({ outcome: 'refused', detail: `the server refused the handshake: ${e.message.split('\n')[0]!.replace(/^[0-9A-F]+:error:[0-9A-F]+:/, '')}` });
    });
  });
}

/** The handshakes in turn, traced under one attempt of their own (a ladder column with no SIP messages). */
export async function tlsHandshakeTest(run: AuditRun, target: Target, record: AuditRecord, connect: ConnectTls = tls.connect): Promise<void> {
  const attempt: AttemptResult = {
    id: run.attempts.length + 1,
    label: 'TLS versions and cipher suites',
    transport: 'tls',
    target: { ...target },
    sourcePortMode: 'ephemeral',
    rport: false,
    outcome: 'answered',
    detail: '',
    durationMs: 0,
    startedAt: run.trace.elapsed(),
    requestsSent: 0,
    retransmissions: 0,
    responsesFromElsewhere: [],
    traceSeqs: [],
  };
  run.attempts.push(attempt);
  for (const { offer, options } of OFFERS) {
    if (run.signal.aborted) break;
    await run.pace.take(target.address, run.signal).catch(() => undefined);
    run.onStep?.(`TLS handshake offering ${offer === 'weak-ciphers' ? 'weak cipher suites only' : `${offer} only`}`);
    const r = await handshake(target, options, connect);
    const seq = run.trace.add({
      attempt: attempt.id,
      kind: 'tls',
      transport: 'tls',
      remote: { address: target.address, port: target.port },
      note: `handshake offering ${offer === 'weak-ciphers' ? `only ${WEAK_CIPHERS}` : `only ${offer}`}: ${r.outcome}${r.protocol ? ` (${r.protocol} ${r.cipher ?? ''})` : ''}; ${r.detail}`,
    });
    if (seq > 0) attempt.traceSeqs.push(seq);
    record.tls.push({ offer, seq, ...r });
  }
  const accepted = record.tls.filter((h) => h.outcome === 'accepted').map((h) => h.offer);
  attempt.detail = accepted.length ? `handshakes completed offering: ${accepted.join(', ')}` : 'no weak handshake completed';
  attempt.durationMs = Math.round(run.trace.elapsed() - attempt.startedAt);
}
