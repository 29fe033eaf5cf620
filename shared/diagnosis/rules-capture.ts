// Rules for imported captures (often taken at the server): what a registrar's view shows.
import type { Finding, Rule } from './types.js';
import { evidenceOf, listLabels } from './evidence.js';

export const captureRules: Rule = (ctx) => {
  if (ctx.result.origin !== 'capture') return [];
  const out: Finding[] = [];
  const { attempts } = ctx.result;
  const regs = attempts.filter((a) => a.label.startsWith('REGISTER'));
  // Field story 000, seen from the server: the 401 went out to port 5060 and nothing came back.
  const stuck = regs.filter((a) => a.localPort === 5060 && a.transport === 'udp' && a.outcome === 'challenged-no-answer');
  const fine = regs.filter((a) => a.localPort !== 5060 && a.outcome === 'registered');
  if (stuck.length && fine.length) {
    out.push({
      id: 'capture-inbound-5060-filtered', severity: 'error', confidence: 'medium',
      title: 'Clients on port 5060 never answer the challenge: inbound UDP 5060 is likely filtered near them',
      explanation: 'The server challenged REGISTERs that came from port 5060 but never received the second REGISTER with credentials, while clients on other ports complete. The 401 most likely never reached those clients.',
      technical: `${listLabels(stuck)}: 401 sent to source port 5060, no authenticated REGISTER followed; ${fine.length} registration(s) from other ports completed (${listLabels(fine.slice(0, 3))}${fine.length > 3 ? ', …' : ''}).`,
      evidence: stuck.flatMap((a) => evidenceOf(ctx, a)), attempts: stuck.map((a) => a.id),
      fix: ['Ask the affected customers to set their phone\'s local SIP port to another number, or to use TCP/TLS', 'Check whether their ISP or router filters inbound UDP to port 5060'],
    });
  }
  const noAnswer = regs.filter((a) => a.outcome === 'no-response');
  if (noAnswer.length) {
    out.push({
      id: 'capture-unanswered', severity: 'warning', confidence: 'medium', title: 'Requests in the capture got no answer',
      explanation: 'Some requests have no response in the capture: the server did not answer them, or the capture missed the answers.',
      technical: `${listLabels(noAnswer.slice(0, 5))}${noAnswer.length > 5 ? ` and ${noAnswer.length - 5} more` : ''}.`,
      evidence: noAnswer.slice(0, 20).flatMap((a) => evidenceOf(ctx, a)), attempts: noAnswer.map((a) => a.id), fix: ['Check the server\'s logs for these Call-IDs'],
    });
  }
  return out;
};
