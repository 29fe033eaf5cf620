// Credentials: wrong password, unknown user, realm/domain mismatch (RFC 3261 §22.2, §22.4).
import { isValidHost } from '../model/check-options.js';
import type { AttemptResult } from '../model/results.js';
import { ruleFamily, type DiagnosisContext, type FindingRule, type Rule } from './types.js';
import { evidenceOf, listLabels, registered } from './evidence.js';

const isAddress = (host: string): boolean => /^[\d.]+$/.test(host) || host.includes(':');

/**
 * The challenge's realm when it names another domain than the account's. Realms such as "asterisk"
 * or a company name are normal (RFC 3261 §22.1 only asks for a unique string), and a realm that is
 * a parent or sub-domain of the account's is the same provider: neither says the domain is wrong.
 */
function unrelatedRealm(ctx: DiagnosisContext, attempt: number): string | undefined {
  const { domain, server } = ctx.result.account;
  const challenge = ctx.messages(attempt).find((m) => m.message.kind === 'response' && m.message.challenges.length)?.message;
  const realm = challenge?.challenges[0]?.params.realm?.toLowerCase();
  const d = domain.toLowerCase();
  // An IP address as domain is a guess of the user's, not a claim the realm could contradict.
  if (!realm || !realm.includes('.') || !isValidHost(realm) || isAddress(realm) || isAddress(d)) return undefined;
  const related = (a: string, b: string): boolean => a === b || a.endsWith(`.${b}`) || b.endsWith(`.${a}`);
  return related(realm, d) || related(realm, server.toLowerCase()) ? undefined : realm;
}

const failedLogins = (ctx: DiagnosisContext): AttemptResult[] => ctx.result.attempts.filter((a) => a.outcome === 'auth-failed');
const acceptedLogins = (ctx: DiagnosisContext): AttemptResult[] => ctx.result.attempts.filter(registered);

/** The same credentials worked on another path: the password is right, the failing path changes the request. */
const rejectedOnOnePath: FindingRule = (ctx) => {
  const failed = failedLogins(ctx);
  const accepted = acceptedLogins(ctx);
  if (!failed.length || !accepted.length) return null;
  const via = [...new Set(accepted.map((a) => a.transport.toUpperCase()))].join(' and ');
  return {
    id: 'credentials-rejected-on-one-path',
    severity: 'warning',
    confidence: 'medium',
    title: `The login fails on some paths although the same password works over ${via}`,
    explanation: `The server accepted the password over ${via} but rejected it on ${listLabels(failed)}. The password is right; something on those paths changes the request, most often a "SIP helper" (ALG) in a router that rewrites addresses inside the message, including the ones the login is computed over.`,
    technical: `${listLabels(failed)}: ${failed[0]!.status} after credentials; ${listLabels(accepted)}: registered with the same credentials. A digest covers the realm and Request-URI (RFC 3261 §22.4, RFC 7616 §3.4), so a rewrite of either fails the login.`,
    evidence: failed.flatMap((a) => evidenceOf(ctx, a)),
    attempts: failed.map((a) => a.id),
    fix: ['Turn off "SIP ALG" / "SIP helper" in the router', `Or use ${via} in the phone`],
  };
};

/** Rejected everywhere it was tried: the account details are wrong. */
const credentialsRejected: FindingRule = (ctx) => {
  const failed = failedLogins(ctx);
  if (!failed.length || acceptedLogins(ctx).length) return null;
  return {
    id: 'credentials-rejected',
    severity: 'error',
    confidence: 'high',
    title: 'The server rejects the user name or password',
    explanation: `The server asked for the password, SIP Ladder answered, and the server said no (${failed.map((a) => a.status).join(', ')}). The network is fine on these paths; the account details are not.`,
    technical: `${listLabels(failed)}: challenged, credentials sent as auth user "${ctx.result.account.authUser}", then ${failed[0]!.status} ${failed[0]!.reason ?? ''} again (not stale). SIP Ladder stopped after ${ctx.result.authFailures} failures to avoid a ban.`,
    evidence: failed.flatMap((a) => evidenceOf(ctx, a)),
    attempts: failed.map((a) => a.id),
    fix: [
      'Check the password (copy it again from the provider, watch for spaces)',
      'Check the authentication user name: some providers use a number or an "auth ID" that differs from the user part',
    ],
  };
};

/** Beside a rejected login: the challenge names another domain than the account's. */
const realmMismatch: FindingRule = (ctx) => {
  const failed = failedLogins(ctx);
  if (!failed.length || acceptedLogins(ctx).length) return null;
  const realm = unrelatedRealm(ctx, failed[0]!.id);
  if (!realm) return null;
  const { account } = ctx.result;
  return {
    id: 'realm-domain-mismatch',
    severity: 'info',
    confidence: 'low',
    title: 'The server expects a different domain',
    explanation: `The server's login realm is "${realm}" but the account uses the domain "${account.domain}". Most often the password is simply wrong; some servers, though, only accept it for their own domain.`,
    technical: `WWW-Authenticate realm="${realm}" vs To/From domain ${account.domain} (RFC 3261 §22.1: realm identifies the protection domain).`,
    evidence: failed.flatMap((a) => evidenceOf(ctx, a)).slice(0, 4),
    attempts: failed.map((a) => a.id),
    fix: [`If the password is right, try the domain "${realm}" in the account settings`],
  };
};

const userUnknown: FindingRule = (ctx) => {
  const unknown = ctx.result.attempts.filter((a) => a.outcome === 'rejected' && a.status === 404);
  if (!unknown.length) return null;
  const { account } = ctx.result;
  return {
    id: 'user-unknown',
    severity: 'error',
    confidence: 'high',
    title: 'The server does not know this user',
    explanation: `The server answered "${unknown[0]!.status} ${unknown[0]!.reason ?? ''}": there is no account "${account.user}" at "${account.domain}".`,
    technical: `${listLabels(unknown)}: ${unknown[0]!.status} to the REGISTER for sip:${account.user}@${account.domain}.`,
    evidence: unknown.flatMap((a) => evidenceOf(ctx, a)),
    attempts: unknown.map((a) => a.id),
    fix: ['Check the user name and the domain (the part after @)'],
  };
};

const noPassword: FindingRule = (ctx) => {
  const skipped = ctx.result.attempts.filter((a) => a.outcome === 'auth-skipped' && !ctx.result.account.passwordGiven);
  if (!skipped.length) return null;
  return {
    id: 'no-password',
    severity: 'info',
    confidence: 'high',
    title: 'No password was given',
    explanation: 'The server asked for a password on these paths; with one, SIP Ladder could finish the test.',
    technical: `${listLabels(skipped)}: challenged; no credentials sent.`,
    evidence: skipped.flatMap((a) => evidenceOf(ctx, a)),
    attempts: skipped.map((a) => a.id),
    fix: ['Run the check again with the password'],
  };
};

export const credentialRules: Rule = ruleFamily(rejectedOnOnePath, credentialsRejected, realmMismatch, userUnknown, noPassword);
