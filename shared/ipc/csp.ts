// The one Content Security Policy of the UI: sent as a header by the browser-mode server and by the
// Electron shell's app:// handler, and written as a <meta> into the built index.html
// (build/vite.renderer.config.ts), so the page keeps it however it is loaded. frame-src 'self': the
// browser registration's page (shared/webrtc/page-csp.ts) runs in a hidden iframe of the app's own.

export const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Directives a <meta> policy cannot carry (browsers ignore them there, with a console warning). */
const HEADER_ONLY_DIRECTIVES = ['frame-ancestors', 'report-uri', 'sandbox'];

/** The policy as a <meta http-equiv> may state it: CSP without the header-only directives. */
export const CSP_META = CSP.split('; ')
  .filter((d) => !HEADER_ONLY_DIRECTIVES.includes(d.split(' ')[0]!))
  .join('; ');
