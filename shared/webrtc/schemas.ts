// Arguments of the page's sip.js registration methods (shared/ipc/methods.ts webrtc*), checked on
// the receiving side like every IPC argument; the registration itself: BrowserRegistrationSchema.
import * as v from 'valibot';
import { MAX_BROWSER_MESSAGE_CHARS, MAX_BROWSER_MESSAGES } from './browser-attempt.js';

const URL_PROBLEM = 'url must be a ws:// or wss:// URL';
/** ws(s)://host[:port][/path]: the backend also checks the host and port against the run's attempts (electron/webrtc/browser-target.ts). */
export const WebSocketUrlSchema = v.pipe(
  v.string(URL_PROBLEM),
  v.maxLength(1024, URL_PROBLEM),
  v.regex(/^wss?:\/\/(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?(\/[^\s\u0000-\u001f]*)?$/, URL_PROBLEM),
);

const ORIGIN_PROBLEM = "origin must be the page's origin (scheme://host[:port])";
/** The page's own origin (http://127.0.0.1:port in browser mode, app://… in Electron): the Origin its WebSocket sent. */
export const PageOriginSchema = v.pipe(
  v.string(ORIGIN_PROBLEM),
  v.maxLength(300, ORIGIN_PROBLEM),
  v.regex(/^(https?|app):\/\/[A-Za-z0-9.:[\]-]+$/, ORIGIN_PROBLEM),
);

export const AuthVerdictSchema = v.picklist(['accepted', 'unaccepted', 'unsent'], 'verdict must be accepted, unaccepted or unsent');

/** A registration's JSON at most (every message at its longest, JSON-escaped at worst ×2, plus the rest). */
export const MAX_BROWSER_REGISTRATION_BYTES = MAX_BROWSER_MESSAGES * MAX_BROWSER_MESSAGE_CHARS * 2 + 64 * 1024;
