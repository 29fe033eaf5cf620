// Rules applied to every web contents the app creates (app.on('web-contents-created')), not only
// to the main window: no new windows, no navigation, no <webview>, https links only and only to
// the system browser; and for every session, no permission but the one the page uses.
import { isAppUrl } from './app-protocol.js';
import type { SessionLike, WebContentsLike } from './electron-like.js';

/** The only permission the UI uses: writing text to the clipboard (the Copy buttons of the report texts). */
const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

/** Only https links leave the app, and only to the system browser. */
export function externalUrlAllowed(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}

/** A permission is granted only when the UI uses it and only to the app's own pages. */
export function permissionAllowed(permission: string, requestingUrl: string | undefined): boolean {
  return ALLOWED_PERMISSIONS.has(permission) && isAppUrl(requestingUrl);
}

export function denyUnusedPermissions(session: SessionLike): void {
  session.setPermissionRequestHandler((_wc, permission, callback, details) => callback(permissionAllowed(permission, details.requestingUrl)));
  session.setPermissionCheckHandler((_wc, permission, requestingOrigin) => permissionAllowed(permission, requestingOrigin));
}

export function guardWebContents(contents: WebContentsLike, shell: { openExternal(url: string): Promise<void> }): void {
  contents.setWindowOpenHandler(({ url }) => {
    // Electronegativity's OPEN_EXTERNAL_JS_CHECK is disabled on the next line: the URL reaches the
    // system browser only after externalUrlAllowed has checked it is https.
    if (externalUrlAllowed(url)) void shell.openExternal(url); // eng-disable OPEN_EXTERNAL_JS_CHECK
    return { action: 'deny' };
  });
  // The UI is one page: it never navigates, so any navigation is someone else's doing.
  contents.on('will-navigate', (e) => e.preventDefault());
  contents.on('will-attach-webview', (e) => e.preventDefault());
  denyUnusedPermissions(contents.session);
}
