// WebRTC softphones register over the browser's WebSocket and TLS, not the engine's: the page's own
// sip.js attempt (AttemptResult.browser) against the engine's WS/WSS attempts to the same server.
// A browser tells a page nothing when a WebSocket fails (RFC 6455 §4.1, close code 1006), so the
// cause comes from the difference: the handshake repeated with the page's Origin, the engine's TLS
// verdict, the engine's view of the subprotocol, and the transports the answers name (RFC 7118).
import type { AttemptResult } from '../model/results.js';
import { evidenceOf } from './evidence.js';
import type { DiagnosisContext, Finding, Rule } from './types.js';

/** HTTP status of an accepted WebSocket upgrade (RFC 6455 §4.2.2). */
const SWITCHING_PROTOCOLS = 101;
const WEBSOCKET_TRANSPORTS = new Set(['WS', 'WSS']);

/** The engine's attempts over the same kind of WebSocket (ws / wss) as the browser's. */
const engineTwins = (ctx: DiagnosisContext, b: AttemptResult): AttemptResult[] => ctx.result.attempts.filter((a) => !a.browser && a.transport === b.transport);

/** The engine got through the WebSocket handshake: any SIP answer came back. */
const handshakeWorked = (a: AttemptResult): boolean => a.outcome === 'registered' || a.status !== undefined;

function originRejected(ctx: DiagnosisContext, b: AttemptResult): Finding | null {
  const status = b.browser!.originHandshakeStatus;
  if (b.browser!.connected || status === undefined || status === SWITCHING_PROTOCOLS) return null;
  const twins = engineTwins(ctx, b).filter(handshakeWorked);
  return {
    id: 'webrtc-origin-rejected',
    severity: 'error',
    confidence: 'high',
    title: "The server refuses WebSocket connections from this web page's address (Origin)",
    explanation: `A browser phone sends the address of its web page with every connection. The server refuses "${b.browser!.origin}"${twins.length ? ', while the same connection without it works' : ''}, so a WebRTC phone served from there can never register.`,
    technical: `WebSocket handshake with Origin: ${b.browser!.origin} answered HTTP ${status} (RFC 6455 §4.1, §10.2: servers may refuse origins they do not serve)${twins.length ? `; without Origin the upgrade succeeds (${twins.map((a) => a.label).join(', ')})` : ''}.`,
    evidence: [...b.traceSeqs.slice(0, 2), ...twins.flatMap((a) => evidenceOf(ctx, a).slice(0, 1))],
    attempts: [b.id, ...twins.map((a) => a.id)],
    fix: [
      `Add ${b.browser!.origin} to the server's allowed origins (Kamailio: the check on $hdr(Origin) before ws_handle_handshake(); Asterisk: http.conf / pjsip WebSocket settings; FreeSWITCH: the wss binding's allowed origins)`,
      'Or serve the web phone from an origin the provider allows',
    ],
  };
}

function certificateDisagreement(ctx: DiagnosisContext, b: AttemptResult): Finding | null {
  if (b.transport !== 'wss') return null;
  const twins = engineTwins(ctx, b);
  const nodeTrusts = twins.filter((a) => a.tls?.verified === true && handshakeWorked(a));
  const nodeDistrusts = twins.filter((a) => a.tls !== undefined && !a.tls.verified);
  const originFine = b.browser!.originHandshakeStatus === undefined || b.browser!.originHandshakeStatus === SWITCHING_PROTOCOLS;
  if (!b.browser!.connected && originFine && nodeTrusts.length) {
    return {
      id: 'webrtc-certificate-untrusted-by-browser',
      severity: 'error',
      confidence: 'medium',
      title: "The browser does not trust the server's certificate, although this check does",
      explanation:
        "This check accepted the secure WebSocket's certificate, but the browser refused to connect. The certificate is probably signed by an authority only this check was told about (a private CA), or its chain is incomplete for browsers.",
      technical: `Engine over WSS verified the certificate (${nodeTrusts.map((a) => `${a.label}: ${a.tls!.certificate?.issuer ?? 'issuer unknown'}`).join('; ')}); the browser's WebSocket failed before any SIP message and the same handshake with the page's Origin was ${b.browser!.originHandshakeStatus === undefined ? 'not tried' : 'accepted'}.`,
      evidence: [...b.traceSeqs.slice(0, 1), ...nodeTrusts.flatMap((a) => evidenceOf(ctx, a).slice(0, 1))],
      attempts: [b.id, ...nodeTrusts.map((a) => a.id)],
      fix: [
        "Use a certificate from a public authority (e.g. Let's Encrypt) with its full chain",
        "Or install the private CA in the browser's / system's trust store on every computer with a web phone",
      ],
    };
  }
  if (b.browser!.connected && nodeDistrusts.length) {
    return {
      id: 'webrtc-certificate-untrusted-by-check',
      severity: 'info',
      confidence: 'medium',
      title: "The browser trusts the server's certificate, but this check does not",
      explanation: 'The web phone can connect securely; desk phones and softphones with their own certificate store may not.',
      technical: `Browser WSS connected; engine: ${nodeDistrusts.map((a) => `${a.label}: ${a.tls!.verifyError ?? 'not verified'}`).join('; ')}.`,
      evidence: [...b.traceSeqs.slice(0, 1), ...nodeDistrusts.flatMap((a) => evidenceOf(ctx, a).slice(0, 1))],
      attempts: [b.id, ...nodeDistrusts.map((a) => a.id)],
      fix: ['Send the full certificate chain (browsers fetch missing intermediates, most phones do not)'],
    };
  }
  return null;
}

/** RFC 7118 §4: the client asks for subprotocol "sip" and the server must accept it; browsers fail the connection otherwise. */
function subprotocolMissing(ctx: DiagnosisContext): Finding[] {
  // The engine's attempts only: the browser's own detail cannot know (a page is told nothing).
  const missing = ctx.result.attempts.filter((a) => !a.browser && (a.transport === 'ws' || a.transport === 'wss') && /subprotocol/i.test(a.detail));
  if (!missing.length) return [];
  return [
    {
      id: 'webrtc-subprotocol-missing',
      severity: 'error',
      confidence: 'high',
      title: 'The server does not accept the WebSocket subprotocol "sip"',
      explanation:
        'SIP over WebSocket requires the server to confirm the "sip" subprotocol. Browsers close the connection when it does not, so no web phone can register.',
      technical: `RFC 7118 §4: Sec-WebSocket-Protocol: sip missing from the upgrade answer (${missing.map((a) => `${a.label}: ${a.detail}`).join('; ')}).`,
      evidence: missing.flatMap((a) => evidenceOf(ctx, a)),
      attempts: missing.map((a) => a.id),
      fix: [
        'Serve SIP on the WebSocket with subprotocol "sip" (Kamailio: ws_handle_handshake() in event_route[xhttp:request]; a proxy in front must pass Sec-WebSocket-Protocol through)',
      ],
    },
  ];
}

/** Answers over a WebSocket that name another transport in Via or in our binding's Contact (RFC 7118 §5). */
function wrongTransport(ctx: DiagnosisContext): Finding[] {
  const seen: Array<{ attempt: AttemptResult; seq: number; what: string }> = [];
  for (const a of ctx.result.attempts.filter((x) => x.transport === 'ws' || x.transport === 'wss')) {
    const messages = ctx.messages(a.id);
    const ownContacts = new Set(
      messages
        .filter((m) => m.event.kind === 'sent' && Array.isArray(m.message.contact))
        .flatMap((m) => (m.message.contact as Array<{ uri: { host: string } }>).map((c) => c.uri.host)),
    );
    for (const { event, message } of messages) {
      if (event.kind !== 'received' || message.kind !== 'response') continue;
      const via = message.via[0];
      if (via && !WEBSOCKET_TRANSPORTS.has(via.transport)) seen.push({ attempt: a, seq: event.seq, what: `Via SIP/2.0/${via.transport} in ${message.status}` });
      const contacts = message.contact === '*' ? [] : message.contact;
      for (const c of contacts.filter((x) => ownContacts.has(x.uri.host))) {
        const t = c.uri.params.transport;
        if (t && !WEBSOCKET_TRANSPORTS.has(t.toUpperCase())) seen.push({ attempt: a, seq: event.seq, what: `Contact ;transport=${t} in ${message.status}` });
      }
    }
  }
  if (!seen.length) return [];
  const attempts = [...new Set(seen.map((s) => s.attempt))];
  return [
    {
      id: 'webrtc-wrong-transport',
      severity: 'warning',
      confidence: 'medium',
      title: 'Answers over the WebSocket name another transport',
      explanation:
        'The server (or a proxy in front of it) answers as if the phone used UDP or TCP. Calls to a web phone may then be sent where it cannot receive them.',
      technical: `RFC 7118 §5 (Via transport WS/WSS, Contact ;transport=ws/wss): ${seen
        .slice(0, 3)
        .map((s) => `${s.attempt.label}: ${s.what}`)
        .join('; ')}.`,
      evidence: seen.map((s) => s.seq),
      attempts: attempts.map((a) => a.id),
      fix: [
        'Let the proxy keep the WebSocket transport in Via and Contact (Kamailio: handle_ruri_alias()/add_contact_alias() with the websocket module; nathelper fix_nated_contact() for WebSocket clients)',
      ],
    },
  ];
}

/** The browser cannot connect while the engine can, for no cause the other rules name: a proxy or filter in the way. */
function browserOnlyFailure(ctx: DiagnosisContext, b: AttemptResult, named: boolean): Finding | null {
  const twins = engineTwins(ctx, b).filter(handshakeWorked);
  if (named || b.browser!.connected || !twins.length) return null;
  return {
    id: 'webrtc-browser-cannot-connect',
    severity: 'warning',
    confidence: 'low',
    title: 'The browser cannot open the WebSocket, although this check can',
    explanation: "Something treats the browser differently: a proxy or filter on the way, the page's address, or the certificate.",
    technical: `Browser: ${b.detail}. Engine: ${twins.map((a) => `${a.label} ${a.outcome}`).join('; ')}.`,
    evidence: [...b.traceSeqs.slice(0, 1), ...twins.flatMap((a) => evidenceOf(ctx, a).slice(0, 1))],
    attempts: [b.id, ...twins.map((a) => a.id)],
    fix: ["Check the browser's proxy settings and any web filter", 'Open the WebSocket address in the browser to see its certificate warning, if any'],
  };
}

export const webrtcRules: Rule = (ctx) => {
  const browserFindings = ctx.result.attempts
    .filter((a) => a.browser)
    .flatMap((b) => {
      const named = [originRejected(ctx, b), certificateDisagreement(ctx, b)].filter((f): f is Finding => f !== null);
      const fallback = browserOnlyFailure(
        ctx,
        b,
        named.length > 0 ||
          /subprotocol/i.test(
            engineTwins(ctx, b)
              .map((a) => a.detail)
              .join(' '),
          ),
      );
      return fallback ? [...named, fallback] : named;
    });
  return [...browserFindings, ...subprotocolMissing(ctx), ...wrongTransport(ctx)];
};
