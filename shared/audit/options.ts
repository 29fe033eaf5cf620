// What a user asks the exposure audit to do, and its validation (CLI flags, IPC arguments).
import * as v from 'valibot';
import { isValidHost } from '../model/check-options.js';
import { failed, type Result } from '../model/result-type.js';

export interface AuditOptions {
  /** Must be true: the user confirmed they operate this server (`--i-operate-this-server`, the app's dialog). */
  confirmedOperator: boolean;
  /** Host name or address of the server. */
  server: string;
  /** SIP domain for Request-URIs and To/From (default: the server). */
  domain?: string;
  /** UDP port (default 5060) and TLS port (default 5061; 0 = skip the TLS tests). */
  port?: number;
  tlsPort?: number;
  /** An existing user of the server (enumeration test); a random one is compared with it. */
  user?: string;
  authUser?: string;
  /** The user's own password (digest tests only); never any other password. */
  password?: string;
  /** The short OPTIONS burst of the rate-limiting test (off by default: it may get this address banned). */
  burst?: boolean;
  tlsVerify?: boolean;
  caPem?: string;
}

/** Ports when none is given (RFC 3261 §19.1.2: 5060 for sip, 5061 for sips). */
export const DEFAULT_UDP_PORT = 5060;
export const DEFAULT_TLS_PORT = 5061;

export const OPERATOR_CONFIRMATION_MISSING =
  'the audit probes a server the way scanners do; it runs only on a server you operate, confirmed explicitly (--i-operate-this-server, or the dialog in the app)';

const CONTROL = /[\u0000-\u001f\u007f]/;
const isPort = (p: unknown, zeroOk = false): boolean => typeof p === 'number' && Number.isInteger(p) && p >= (zeroOk ? 0 : 1) && p <= 65535;

/** Validates untrusted input; never throws. Refuses without the operator's confirmation. */
export function validateAuditOptions(input: unknown): Result<AuditOptions> {
  if (typeof input !== 'object' || input === null) return failed(['options must be an object']);
  const o = input as Record<string, unknown>;
  const errors: string[] = [];
  if (o.confirmedOperator !== true) errors.push(OPERATOR_CONFIRMATION_MISSING);
  const text = (k: string, max: number): string | undefined => {
    const v = o[k];
    if (v === undefined || v === '') return undefined;
    if (typeof v !== 'string' || v.length > max || CONTROL.test(v)) errors.push(`${k} must be text of at most ${max} characters without control characters`);
    else return v.trim();
    return undefined;
  };
  const server = text('server', 256);
  if (server === undefined) errors.push('server is required');
  else if (!isValidHost(server)) errors.push(`server "${server}" is not a valid host name or IP address`);
  const domain = text('domain', 256);
  if (domain !== undefined && !isValidHost(domain)) errors.push(`domain "${domain}" is not a valid domain`);
  const user = text('user', 128);
  if (user !== undefined && /[\s<>":@]/.test(user)) errors.push('user must not contain spaces, quotes, angle brackets, ":" or "@"');
  const authUser = text('authUser', 128);
  if (o.password !== undefined && (typeof o.password !== 'string' || o.password.length > 1024)) errors.push('password must be text of at most 1024 characters');
  if (o.password !== undefined && user === undefined) errors.push('a password goes with the user it belongs to (user)');
  if (o.port !== undefined && !isPort(o.port)) errors.push('port must be a port number from 1 to 65535');
  if (o.tlsPort !== undefined && !isPort(o.tlsPort, true)) errors.push('tlsPort must be a port number from 1 to 65535, or 0 to skip TLS');
  for (const k of ['burst', 'tlsVerify'] as const) if (o[k] !== undefined && typeof o[k] !== 'boolean') errors.push(`${k} must be true or false`);
  // A PEM has line breaks: only its type and size are checked here; the TLS library parses it.
  if (o.caPem !== undefined && (typeof o.caPem !== 'string' || o.caPem.length > 200_000)) errors.push('caPem must be PEM text of at most 200000 characters');
  const caPem = o.caPem as string | undefined;
  if (errors.length) return failed(errors);
  return {
    ok: true,
    value: {
      confirmedOperator: true,
      server: server!,
      domain,
      user,
      authUser,
      password: o.password as string | undefined,
      port: o.port as number | undefined,
      tlsPort: o.tlsPort as number | undefined,
      burst: o.burst as boolean | undefined,
      tlsVerify: o.tlsVerify as boolean | undefined,
      caPem,
    },
  };
}

/** validateAuditOptions as a schema, for the IPC table: each problem is one issue. */
export const AuditOptionsSchema = v.pipe(
  v.unknown(),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const checked = validateAuditOptions(dataset.value);
    if (checked.ok) return checked.value;
    checked.errors.forEach((message) => addIssue({ message }));
    return NEVER;
  }),
);
