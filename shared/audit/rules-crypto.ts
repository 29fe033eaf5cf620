// Audit rules over authentication and transport: digest algorithms and qop (RFC 7616, RFC 8760),
// nonce replay and stale handling, TLS versions, cipher suites and certificate, UDP amplification,
// and the optional burst's throttling.
import type { Finding } from '../diagnosis/types.js';
import type { TraceEvent } from '../model/trace.js';
import type { AuthChallenge } from '../sip/message.js';
import { fixesFor } from './fixes.js';
import { answerText, evidenceOf, exchangesOf, finding, type AuditRule } from './finding.js';

/** Answer bytes per request byte above which a UDP answer helps reflection attacks. */
export const AMPLIFICATION_WARN_RATIO = 3;

const challengesIn = (ctx: Parameters<AuditRule>[1], attempts: number[]): Array<{ event: TraceEvent; challenge: AuthChallenge }> =>
  attempts
    .flatMap((a) => ctx.messages(a))
    .filter((m) => m.event.kind === 'received' && m.message.kind === 'response')
    .flatMap((m) => m.message.challenges.filter((c) => c.scheme.toLowerCase() === 'digest').map((challenge) => ({ event: m.event, challenge })));

const digestRule: AuditRule = (r, ctx) => {
  const found = challengesIn(
    ctx,
    r.attempts.map((a) => a.id),
  );
  if (!found.length) return [];
  const out: Finding[] = [];
  const algorithms = [...new Set(found.map((f) => (f.challenge.params.algorithm ?? 'MD5').toUpperCase()))];
  const offered = `offered: ${algorithms.join(', ')} (in ${found.length} challenge${found.length === 1 ? '' : 's'})`;
  const seqs = [...new Set(found.map((f) => f.event.seq))];
  const strong = algorithms.some((a) => a.startsWith('SHA-256') || a.startsWith('SHA-512-256'));
  out.push(
    strong
      ? finding(
          'digest-sha256',
          'info',
          { title: 'Digest with SHA-256 is offered', explanation: 'Phones that know RFC 8760 can log in without MD5.', technical: offered, fix: [] },
          seqs,
          [],
        )
      : finding(
          'digest-md5-only',
          'warning',
          {
            title: 'Logins use MD5 digests only',
            explanation: 'The password check relies on MD5 alone; a captured login can be attacked offline much faster than with SHA-256 (RFC 8760).',
            technical: offered,
            fix: fixesFor('sha256', 'Offer SHA-256 next to MD5 where your phones support it, and use long random passwords either way.'),
          },
          seqs,
          [],
          'high',
        ),
  );
  const noQop = found.filter((f) => !f.challenge.params.qop);
  if (noQop.length) {
    out.push(
      finding(
        'digest-no-qop',
        'warning',
        {
          title: 'Challenges without qop=auth',
          explanation:
            'Without qop the client adds no nonce of its own and no counter, so a captured login is easier to replay and to attack offline (RFC 7616 §3.3).',
          technical: `${noQop.length} of ${found.length} challenges have no qop`,
          fix: fixesFor('qop'),
        },
        [...new Set(noQop.map((f) => f.event.seq))],
        [],
      ),
    );
  }
  const replay = exchangesOf(r.audit, 'digest', 'replay')[0];
  if (replay)
    out.push(
      replayFinding(
        replay,
        challengesIn(ctx, [replay.attempt]).filter((c) => replay.seqs.includes(c.event.seq)),
      ),
    );
  return out;
};

function replayFinding(replay: NonNullable<ReturnType<typeof exchangesOf>[number]>, answer: Array<{ challenge: AuthChallenge }>): Finding {
  const technical = `REGISTER with the earlier Authorization (same nonce, nc and cnonce) again: ${answerText(replay)}`;
  const evidence = evidenceOf([replay]);
  if (replay.status !== undefined && replay.status >= 200 && replay.status < 300) {
    return finding(
      'nonce-replay-accepted',
      'error',
      {
        title: 'A recorded login can be replayed',
        explanation:
          'The server accepted the very same Authorization a second time. Whoever sees one login (an open Wi-Fi, a mirror port) can repeat requests as that user until the nonce expires.',
        technical,
        fix: fixesFor('nonce-replay'),
      },
      evidence,
      [replay.attempt],
    );
  }
  const stale = answer.some((a) => (a.challenge.params.stale ?? '').toLowerCase() === 'true');
  return finding(
    'nonce-replay-refused',
    'info',
    {
      title: 'A replayed login is refused',
      explanation: stale
        ? 'The server refused the repeated Authorization and marked the nonce stale=true, so phones retry at once with a fresh nonce (RFC 7616 §3.3).'
        : 'The server refused the repeated Authorization. It did not mark it stale=true, so a phone that reuses a nonce may ask its user for the password again.',
      technical: `${technical}${stale ? ' with stale=true' : ' (no stale=true)'}`,
      fix: [],
    },
    evidence,
    [replay.attempt],
  );
}

const tlsRule: AuditRule = (r) => {
  const out: Finding[] = [];
  const session = exchangesOf(r.audit, 'transport', 'tls')[0];
  const attempt = session ? r.attempts.find((a) => a.id === session.attempt) : r.attempts.find((a) => a.transport === 'tls' && a.tls);
  if (attempt?.tls && !attempt.tls.verified) {
    out.push(
      finding(
        'tls-certificate',
        'error',
        {
          title: 'Phones will not trust the TLS certificate',
          explanation: `The certificate did not verify (${attempt.tls.verifyError ?? 'unknown reason'}). Phones that check certificates cannot connect over TLS; those that do not check can be intercepted.`,
          technical:
            `${attempt.tls.protocol ?? ''} ${attempt.tls.cipher ?? ''}; ${attempt.tls.certificate ? `subject ${attempt.tls.certificate.subject}, issuer ${attempt.tls.certificate.issuer}, valid ${attempt.tls.certificate.validFrom} to ${attempt.tls.certificate.validTo}` : 'no certificate'}`.trim(),
          fix: fixesFor('certificate'),
        },
        attempt.traceSeqs,
        [attempt.id],
      ),
    );
  }
  const weak = r.audit.tls.filter((h) => h.outcome === 'accepted');
  const old = weak.filter((h) => h.offer === 'TLSv1' || h.offer === 'TLSv1.1');
  const technical = r.audit.tls.map((h) => `${h.offer}: ${h.outcome}${h.protocol ? ` (${h.protocol} ${h.cipher ?? ''})` : ''}`).join('; ');
  if (old.length) {
    out.push(
      finding(
        'tls-old-versions',
        'warning',
        {
          title: `The server still accepts ${old.map((h) => (h.offer === 'TLSv1' ? 'TLS 1.0' : 'TLS 1.1')).join(' and ')}`,
          explanation: 'These versions are deprecated (RFC 8996): a client pushed down to them gets weaker protection.',
          technical,
          fix: fixesFor('tls-versions'),
        },
        old.map((h) => h.seq),
        [],
      ),
    );
  }
  const ciphers = weak.find((h) => h.offer === 'weak-ciphers');
  if (ciphers) {
    out.push(
      finding(
        'tls-weak-ciphers',
        'warning',
        {
          title: 'The server accepts weak cipher suites',
          explanation: `Offered only suites without forward secrecy or with CBC and SHA-1, the server agreed (${ciphers.cipher ?? 'one of them'}).`,
          technical,
          fix: fixesFor('tls-ciphers'),
        },
        [ciphers.seq],
        [],
      ),
    );
  }
  const measured = r.audit.tls.filter((h) => h.outcome === 'refused');
  if (!weak.length && measured.length) {
    out.push(
      finding(
        'tls-modern-only',
        'info',
        { title: 'Only current TLS versions and suites are accepted', explanation: 'Old versions and weak suites were refused.', technical, fix: [] },
        measured.map((h) => h.seq),
        [],
      ),
    );
  }
  return out;
};

const amplificationRule: AuditRule = (r) => {
  const udp = r.audit.exchanges.filter((x) => x.transport === 'udp' && x.responseBytes > 0);
  if (!udp.length) return [];
  const worst = udp.reduce((a, b) => (b.responseBytes / b.requestBytes > a.responseBytes / a.requestBytes ? b : a));
  const ratio = Math.round((worst.responseBytes / worst.requestBytes) * 10) / 10;
  const technical = `largest ratio ${ratio}: ${worst.method} of ${worst.requestBytes} bytes answered with ${worst.responseBytes} bytes (${answerText(worst)})`;
  return [
    ratio > AMPLIFICATION_WARN_RATIO
      ? finding(
          'udp-amplification',
          'warning',
          {
            title: `UDP answers are up to ${ratio} times larger than the request`,
            explanation: 'Attackers can send requests with a forged source address and let your server flood their victim with the larger answers.',
            technical,
            fix: fixesFor('amplification'),
          },
          worst.seqs,
          [worst.attempt],
        )
      : finding(
          'udp-amplification-low',
          'info',
          { title: `UDP answers are at most ${ratio} times the request`, explanation: 'Too little for reflection attacks to gain much.', technical, fix: [] },
          worst.seqs,
          [worst.attempt],
        ),
  ];
};

const rateRule: AuditRule = (r) => {
  const b = r.audit.burst;
  const attempt = r.attempts.find((a) => a.label.startsWith('OPTIONS burst'));
  if (!b || !attempt) return [];
  const technical = `${b.answered} of ${b.sent} OPTIONS answered, at most ${b.peakPerSecond} sent within one second${b.firstUnanswered ? `; the first unanswered was number ${b.firstUnanswered}` : ''}`;
  if (b.firstUnanswered !== undefined) {
    return [
      finding(
        'rate-limited',
        'info',
        {
          title: `A burst is throttled after ${b.firstUnanswered - 1} requests`,
          explanation: 'The server stops answering a source that sends too fast, which slows down password guessing.',
          technical,
          fix: [],
        },
        attempt.traceSeqs,
        [attempt.id],
      ),
    ];
  }
  return [
    finding(
      'no-rate-limit',
      'warning',
      {
        title: `No throttling at ${b.peakPerSecond} requests per second`,
        explanation:
          'Every request of the burst was answered. This tool never sends faster than 8 per second, so a limit above that cannot be seen; without one, password guessing runs at full speed.',
        technical,
        fix: fixesFor('rate-limit'),
      },
      attempt.traceSeqs,
      [attempt.id],
      'medium',
    ),
  ];
};

export const CRYPTO_AUDIT_RULES: readonly AuditRule[] = [digestRule, tlsRule, amplificationRule, rateRule];
