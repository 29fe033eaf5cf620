// Account form ↔ CheckOptions, validated as typed with the same rules the engine applies, and the
// errors said in the user's words. Addresses are accepted the way people paste them:
// "sip:alice@host", "alice@host", "host:5080".
import { validateCheckOptions, type CheckOptions } from '../../shared/model/check-options.js';
import type { AccountForm } from './store.js';

const SIP_ADDRESS = /^(?:sips?:)?(?:([^@\s]+)@)?(\[[^\]]+\]|[^:@\s]+)(?::(\d+))?$/i;

/** "sip:alice@host:5080" → its parts; anything else is left to validation. */
export function splitAddress(text: string): { user?: string; host: string; port?: string } | null {
  const m = SIP_ADDRESS.exec(text.trim());
  return m ? { user: m[1], host: m[2]!, port: m[3] } : null;
}

/** The form with pasted addresses split into their fields (server, user, port, domain). */
export function normaliseForm(f: AccountForm): AccountForm {
  const out = { ...f };
  const server = splitAddress(f.server);
  if (server && (server.user || server.port || /^sips?:/i.test(f.server.trim()))) {
    out.server = server.host;
    if (server.user && !out.user.trim()) out.user = server.user;
    if (server.port && !out.port.trim()) out.port = server.port;
  }
  const user = splitAddress(f.user);
  if (user?.user) {
    out.user = user.user;
    if (!out.server.trim()) out.server = user.host;
    else if (user.host !== out.server && !out.domain.trim()) out.domain = user.host;
  }
  return out;
}

export function formToOptions(raw: AccountForm): unknown {
  const f = normaliseForm(raw);
  const port = f.port.trim() ? Number(f.port) : undefined;
  const stun = f.stun.trim() ? { host: f.stun.trim().split(':')[0], port: f.stun.includes(':') ? Number(f.stun.split(':')[1]) : undefined } : undefined;
  return {
    server: f.server.trim(),
    user: f.user.trim(),
    authUser: f.authUser.trim() || undefined,
    domain: f.domain.trim() || undefined,
    password: f.password === '' ? undefined : f.password,
    transports: f.transports,
    ports: port !== undefined ? { udp: port, tcp: port } : undefined,
    fixedSourcePort: f.fixedPort.trim() ? Number(f.fixedPort) : undefined,
    stun,
  };
}

/** Engine error (field prefix) → the form field it is about and what to tell the user there. */
const IN_USER_WORDS: Array<[RegExp, string, string]> = [
  [/^server is required/, 'server', 'Server: enter a host name or address, e.g. sip.example.com'],
  [/^server /, 'server', 'Server: enter a host name or address (the port goes in its own field, or as host:5080)'],
  [/^user is required/, 'user', 'User: enter your user name or number (the part before @)'],
  [/^user must not contain ":"/, 'user', 'User: no ":" here — never put the password in the user name'],
  [/^user /, 'user', 'User: no spaces, quotes or angle brackets'],
  [/^authUser /, 'authUser', 'Auth user: plain text only, or leave it empty'],
  [/^domain /, 'domain', 'Domain: enter a domain such as example.com, or leave it empty'],
  [/^password /, 'password', 'Password: too long (at most 1024 characters)'],
  [/^transports /, 'transports', 'Transports: choose at least one'],
  [/^ports/, 'port', 'Port: enter a number from 1 to 65535, or leave it empty'],
  [/^fixedSourcePort /, 'fixedPort', 'Fixed local port: enter a number from 1 to 65535 (5060 is what Jitsi and most desk phones use)'],
  [/^stun/, 'stun', 'STUN server: enter host or host:port, or leave it empty'],
];

/** Field name → first error for it, in the user's words ("form" for the rest). */
export function validateForm(f: AccountForm): { options?: CheckOptions; errors: Record<string, string> } {
  const v = validateCheckOptions(formToOptions(f));
  if (v.ok) return { options: v.value, errors: {} };
  const errors: Record<string, string> = {};
  for (const e of v.errors) {
    const [, key, words] = IN_USER_WORDS.find(([re]) => re.test(e)) ?? [null, 'form', e];
    errors[key] ??= words;
  }
  return { errors };
}
