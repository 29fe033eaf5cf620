// What the server said or did: TLS problems, 3xx/5xx and other rejections, answers from an
// unexpected address, silence after the credentials (possible ban), clock skew (Date header).
import type { AttemptResult } from '../model/results.js';
import { evidenceOf, listLabels } from './evidence.js';
import { ruleFamily, type DiagnosisContext, type Finding, type FindingRule, type Rule } from './types.js';

/** Clock difference worth mentioning (nonces and TLS certificates care about time). */
export const CLOCK_SKEW_WARN_S = 300;

function tlsFinding(a: AttemptResult[], reason: string): Pick<Finding, 'id' | 'title' | 'explanation' | 'fix'> {
  if (/EXPIRED/i.test(reason)) {
    return {
      id: 'tls-certificate-expired',
      title: "The server's TLS certificate has expired",
      explanation: 'Secure (TLS) connections fail because the server presents an expired certificate.',
      fix: ['Ask the provider to renew the certificate', 'Use TCP or UDP meanwhile if the provider allows it'],
    };
  }
  if (/ALTNAME|hostname|Host:/i.test(reason)) {
    return {
      id: 'tls-certificate-wrong-host',
      title: 'The TLS certificate is for another server name',
      explanation: `The certificate does not name "${a[0]!.target.host}". Either the server name in the phone is not the one the provider certified, or the server presents the wrong certificate.`,
      fix: ['Use the server name exactly as the provider documents it (not an IP address)', 'Ask the provider which name the certificate covers'],
    };
  }
  if (/verify|self.signed|issuer|UNABLE_TO/i.test(reason)) {
    return {
      id: 'tls-certificate-untrusted',
      title: 'The TLS certificate is not from a trusted authority',
      explanation: 'The certificate chain does not lead to an authority this computer trusts (self-signed, private CA, or missing intermediate certificate).',
      fix: ['Ask the provider for its CA certificate and install it', 'Or ask the provider to send the full certificate chain'],
    };
  }
  return {
    id: 'tls-handshake-failed',
    title: 'The secure (TLS) connection cannot be set up',
    explanation: 'The TLS handshake with the server failed before any SIP message could be sent.',
    fix: ['Check that the TLS port is right (often 5061)', 'Check that the phone supports the TLS version the server requires'],
  };
}

/** Clock skew: the server's Date header (RFC 3261 §20.17) against our clock at that moment (first dated answer only). */
const clockSkew: FindingRule = (ctx) => {
  const start = Date.parse(ctx.result.startedAt);
  if (!Number.isFinite(start)) return null;
  for (const a of ctx.result.attempts) {
    const m = ctx.messages(a.id).find((x) => x.event.kind === 'received' && x.message.headers.some((h) => h.key === 'date'));
    if (!m) continue;
    const date = m.message.headers.find((h) => h.key === 'date')!.value;
    const skew = Math.round((Date.parse(date) - (start + m.event.t)) / 1000);
    if (!Number.isFinite(skew) || Math.abs(skew) < CLOCK_SKEW_WARN_S) return null;
    return {
      id: 'clock-skew',
      severity: 'warning',
      confidence: 'medium',
      title: "This computer's clock is off",
      explanation: `The server's clock and this computer's differ by about ${Math.round(Math.abs(skew) / 60)} minutes. Wrong clocks break certificate checks and some logins.`,
      technical: `Date header ${date} vs local ${new Date(start + m.event.t).toUTCString()} (${skew > 0 ? '+' : ''}${skew} s).`,
      evidence: [m.event.seq],
      attempts: [a.id],
      fix: ['Turn on automatic time (NTP) in the system settings'],
    };
  }
  return null;
};

const tlsFailure: FindingRule = (ctx) => {
  const tls = ctx.result.attempts.filter((a) => a.outcome === 'tls-failure');
  if (!tls.length) return null;
  const reason = tls[0]!.tls?.verifyError ?? tls[0]!.detail;
  const c = tls[0]!.tls?.certificate;
  return {
    ...tlsFinding(tls, reason),
    severity: 'error',
    confidence: 'high',
    technical: `${listLabels(tls)}: ${tls[0]!.detail}${c ? `. Certificate: subject ${c.subject}; issuer ${c.issuer}; valid ${c.validFrom} to ${c.validTo}; names ${c.subjectAltNames.join(' ')}` : ''} (RFC 3261 §26.3.1, RFC 5922).`,
    evidence: tls.flatMap((a) => a.traceSeqs),
    attempts: tls.map((a) => a.id),
  };
};

/** Attempts rejected with a status in [lo, hi), 404 aside (the credentials rules say "unknown user"). */
const rejectedWith = (ctx: DiagnosisContext, lo: number, hi: number): AttemptResult[] =>
  ctx.result.attempts.filter((a) => a.outcome === 'rejected' && a.status !== 404 && a.status !== undefined && a.status >= lo && a.status < hi);

const serverError: FindingRule = (ctx) => {
  const server = rejectedWith(ctx, 500, 700);
  if (!server.length) return null;
  return {
    id: 'server-error',
    severity: 'error',
    confidence: 'high',
    title: 'The server reports a problem of its own',
    explanation: `The server answered "${server[0]!.status} ${server[0]!.reason ?? ''}": it is overloaded, misconfigured or in maintenance. Nothing on your side causes this.`,
    technical: `${server.map((a) => `${a.label}: ${a.status} ${a.reason ?? ''}`).join('; ')} (RFC 3261 §21.5-21.6).`,
    evidence: server.flatMap((a) => evidenceOf(ctx, a)),
    attempts: server.map((a) => a.id),
    fix: ['Try again later', 'Tell the provider the exact answer and time'],
  };
};

const requestRejected: FindingRule = (ctx) => {
  const client = rejectedWith(ctx, 400, 500);
  if (!client.length) return null;
  return {
    id: 'request-rejected',
    severity: 'error',
    confidence: 'medium',
    title: 'The server refuses the registration',
    explanation: `The server answered "${client[0]!.status} ${client[0]!.reason ?? ''}" before asking for a password.`,
    technical: `${client.map((a) => `${a.label}: ${a.status} ${a.reason ?? ''}`).join('; ')} (RFC 3261 §21.4).`,
    evidence: client.flatMap((a) => evidenceOf(ctx, a)),
    attempts: client.map((a) => a.id),
    fix: ['Check the domain and user name', 'Ask the provider what this answer means for the account'],
  };
};

const redirected: FindingRule = (ctx) => {
  const sent = ctx.result.attempts.filter((a) => a.outcome === 'redirected');
  if (!sent.length) return null;
  return {
    id: 'redirected',
    severity: 'warning',
    confidence: 'high',
    title: 'The server sends the phone elsewhere',
    explanation: 'The server answered with a redirect: registrations should go to another server.',
    technical: `${sent.map((a) => a.detail).join('; ')} (RFC 3261 §21.3).`,
    evidence: sent.flatMap((a) => evidenceOf(ctx, a)),
    attempts: sent.map((a) => a.id),
    fix: ['Use the server named in the redirect'],
  };
};

const responseFromElsewhere: FindingRule = (ctx) => {
  const elsewhere = ctx.result.attempts.filter((a) => a.responsesFromElsewhere.length);
  if (!elsewhere.length) return null;
  const e = elsewhere[0]!;
  return {
    id: 'response-from-unexpected-address',
    severity: 'warning',
    confidence: 'high',
    title: 'Answers come from a different address than the server',
    explanation:
      'The server answers from another address or port than the one the phone sends to. Many routers drop such answers, so some phones will not register.',
    technical: `${listLabels(elsewhere)}: request to ${e.target.address}:${e.target.port}, response from ${e.responsesFromElsewhere.map((x) => `${x.address}:${x.port}`).join(', ')} (RFC 3261 §18.2.2 expects the response from the port the request arrived on for symmetric signalling, RFC 3581 §4).`,
    evidence: elsewhere.flatMap((a) => evidenceOf(ctx, a)),
    attempts: elsewhere.map((a) => a.id),
    fix: ['Provider: send responses from the port requests arrive on (symmetric signalling)', 'Phone: TCP or TLS avoids the problem'],
  };
};

const silentAfterCredentials: FindingRule = (ctx) => {
  const afterAuth = ctx.result.attempts.filter((a) => a.outcome === 'challenged-no-answer');
  if (!afterAuth.length) return null;
  const ban = ctx.result.authFailures > 0;
  return {
    id: 'silent-after-credentials',
    severity: 'error',
    confidence: ban ? 'medium' : 'low',
    title: ban ? 'The server stopped answering after failed logins (possible ban)' : 'The server stops answering once the password is sent',
    explanation: ban
      ? 'After earlier wrong-password answers the server went silent. Servers often block an address for a while after a few failed logins (anti-flood or fail2ban).'
      : 'The first request is answered, the one with the password is not. The larger, authenticated request may be lost on the way, or the server drops it.',
    technical: `${listLabels(afterAuth)}: 401/407 received, authenticated REGISTER unanswered; run had ${ctx.result.authFailures} failed authentication(s).`,
    evidence: afterAuth.flatMap((a) => evidenceOf(ctx, a)),
    attempts: afterAuth.map((a) => a.id),
    fix: ban
      ? ['Wait 10-60 minutes before trying again, with the right password', 'Ask the provider to unblock your address']
      : ['Try TCP or TLS', 'Check the message-size results below'],
  };
};

export const serverRules: Rule = ruleFamily(tlsFailure, serverError, requestRejected, redirected, responseFromElsewhere, silentAfterCredentials, clockSkew);
