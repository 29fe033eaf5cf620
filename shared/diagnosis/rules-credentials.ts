// Credentials: wrong password, unknown user, realm/domain mismatch (RFC 3261 §22.2, §22.4).
import type { Finding, Rule } from './types.js';
import { evidenceOf, listLabels } from './evidence.js';

export const credentialRules: Rule = (ctx) => {
  const out: Finding[] = [];
  const { attempts, account } = ctx.result;
  const failed = attempts.filter((a) => a.outcome === 'auth-failed');
  if (failed.length) {
    out.push({
      id: 'credentials-rejected', severity: 'error', confidence: 'high',
      title: 'The server rejects the user name or password',
      explanation: `The server asked for the password, SIP Ladder answered, and the server said no (${failed.map((a) => a.status).join(', ')}). The network is fine on these paths; the account details are not.`,
      technical: `${listLabels(failed)}: challenged, credentials sent as auth user "${account.authUser}", then ${failed[0]!.status} ${failed[0]!.reason ?? ''} again (not stale). SIP Ladder stopped after ${ctx.result.authFailures} failures to avoid a ban.`,
      evidence: failed.flatMap((a) => evidenceOf(ctx, a)), attempts: failed.map((a) => a.id),
      fix: ['Check the password (copy it again from the provider, watch for spaces)', 'Check the authentication user name: some providers use a number or an "auth ID" that differs from the user part'],
    });
    // Realm mismatch: challenged with a realm that is neither the domain nor the server name.
    const challenge = ctx.messages(failed[0]!.id).find((m) => m.message.kind === 'response' && m.message.challenges.length)?.message;
    const realm = challenge?.challenges[0]?.params.realm;
    if (realm && realm !== account.domain && realm !== account.server && !account.domain.endsWith(realm)) {
      out.push({
        id: 'realm-domain-mismatch', severity: 'warning', confidence: 'medium',
        title: 'The server expects a different domain',
        explanation: `The server's login realm is "${realm}" but the account uses the domain "${account.domain}". Some servers only accept the password for their own domain.`,
        technical: `WWW-Authenticate realm="${realm}" vs To/From domain ${account.domain} (RFC 3261 §22.1: realm identifies the protection domain).`,
        evidence: failed.flatMap((a) => evidenceOf(ctx, a)).slice(0, 4), attempts: failed.map((a) => a.id),
        fix: [`Try the domain "${realm}" in the account settings`],
      });
    }
  }
  const unknown = attempts.filter((a) => a.outcome === 'rejected' && a.status === 404);
  if (unknown.length) {
    out.push({
      id: 'user-unknown', severity: 'error', confidence: 'high',
      title: 'The server does not know this user',
      explanation: `The server answered "${unknown[0]!.status} ${unknown[0]!.reason ?? ''}": there is no account "${account.user}" at "${account.domain}".`,
      technical: `${listLabels(unknown)}: ${unknown[0]!.status} to the REGISTER for sip:${account.user}@${account.domain}.`,
      evidence: unknown.flatMap((a) => evidenceOf(ctx, a)), attempts: unknown.map((a) => a.id),
      fix: ['Check the user name and the domain (the part after @)'],
    });
  }
  const skipped = attempts.filter((a) => a.outcome === 'auth-skipped' && !account.passwordGiven);
  if (skipped.length) {
    out.push({
      id: 'no-password', severity: 'info', confidence: 'high',
      title: 'No password was given',
      explanation: 'The server asked for a password on these paths; with one, SIP Ladder could finish the test.',
      technical: `${listLabels(skipped)}: challenged; no credentials sent.`,
      evidence: skipped.flatMap((a) => evidenceOf(ctx, a)), attempts: skipped.map((a) => a.id),
      fix: ['Run the check again with the password'],
    });
  }
  return out;
};
