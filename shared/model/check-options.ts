// What a user asks to check, and its validation. Shared by CLI, IPC and UI so every entry point
// rejects the same bad input with the same words.
import * as v from 'valibot';
import { TRANSPORTS, type Transport } from './trace.js';

export interface CheckOptions {
  /** Host name, IPv4 or IPv6 address of the registrar (or the domain for RFC 3263 discovery). */
  server: string;
  /** Domain of the address-of-record; defaults to the server. */
  domain?: string;
  user: string;
  /** Digest username when it differs from the user part. */
  authUser?: string;
  password?: string;
  transports: Transport[];
  /** Explicit ports per transport; any given port skips SRV for that transport (RFC 3263 §4.2). */
  ports?: Partial<Record<Transport, number>>;
  /** An extra UDP source port to try, besides 5060 and an ephemeral one. */
  sourcePort?: number;
  /** Local port used for the "fixed 5060" attempt (configurable so tests can run in parallel). */
  fixedSourcePort?: number;
  tlsVerify?: boolean;
  caPem?: string;
  wsPath?: string;
  /** STUN server for the NAT behaviour probe (RFC 5780); never a default public server. */
  stun?: { host: string; port?: number };
  /** A SIP Ladder reflector next to the server (fragmentation with sized responses, ALG mirror). */
  reflector?: { host: string; port?: number };
  /** Seconds the UDP binding-lifetime test may take (0 = skip). */
  bindingLifetimeS?: number;
  /** Only the registration matrix. */
  skipPathProbes?: boolean;
}

export type Validation = { ok: true; value: CheckOptions } | { ok: false; errors: string[] };

const HOSTNAME = /^(?=.{1,253}$)(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?\.?$/;
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const IPV6 = /^[0-9A-Fa-f:.]{2,45}$/;

export function isValidHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (IPV4.test(bare)) return true;
  if (bare.includes(':')) return IPV6.test(bare) && bare.split('::').length <= 2;
  return HOSTNAME.test(bare) && !/^\d+(\.\d+)*$/.test(bare);
}

const validPort = (p: unknown): boolean => typeof p === 'number' && Number.isInteger(p) && p >= 1 && p <= 65535;

const CONTROL = /[\u0000-\u001f\u007f]/;

/** Validates untrusted input (CLI flags, IPC arguments); never throws. */
export function validateCheckOptions(input: unknown): Validation {
  const errors: string[] = [];
  if (typeof input !== 'object' || input === null) return { ok: false, errors: ['options must be an object'] };
  const o = input as Record<string, unknown>;
  const str = (k: string, required: boolean, max = 256): string | undefined => {
    const v = o[k];
    if (v === undefined || v === '') {
      if (required) errors.push(`${k} is required`);
      return undefined;
    }
    if (typeof v !== 'string') errors.push(`${k} must be text`);
    else if (v.length > max) errors.push(`${k} is longer than ${max} characters`);
    else if (CONTROL.test(v)) errors.push(`${k} contains control characters`);
    else if (v.includes('\uFFFD')) errors.push(`${k} is not valid UTF-8 text`);
    else return v.trim();
    return undefined;
  };
  const server = str('server', true);
  if (server !== undefined && !isValidHost(server)) errors.push(`server "${server}" is not a valid host name or IP address (give the port separately)`);
  const domain = str('domain', false);
  if (domain !== undefined && !isValidHost(domain)) errors.push(`domain "${domain}" is not a valid domain`);
  const user = str('user', true, 128);
  if (user !== undefined && /[\s<>"]/.test(user)) errors.push('user must not contain spaces, quotes or angle brackets');
  if (user !== undefined && user.includes(':')) errors.push('user must not contain ":" (never put a password in the user name)');
  const authUser = str('authUser', false, 128);
  let password: string | undefined;
  if (o.password !== undefined) {
    if (typeof o.password !== 'string') errors.push('password must be text');
    else if (o.password.length > 1024) errors.push('password is longer than 1024 characters');
    else password = o.password;
  }
  let transports: Transport[] = [];
  if (!Array.isArray(o.transports) || o.transports.length === 0) errors.push(`transports must list at least one of ${TRANSPORTS.join(', ')}`);
  else {
    for (const t of o.transports) {
      if (!TRANSPORTS.includes(t as Transport)) errors.push(`unknown transport "${String(t)}" (use ${TRANSPORTS.join(', ')})`);
    }
    transports = [...new Set(o.transports as Transport[])].filter((t) => TRANSPORTS.includes(t));
  }
  const ports: Partial<Record<Transport, number>> = {};
  if (o.ports !== undefined) {
    if (typeof o.ports !== 'object' || o.ports === null) errors.push('ports must be an object');
    else for (const [k, v] of Object.entries(o.ports)) {
      if (!TRANSPORTS.includes(k as Transport)) errors.push(`ports: unknown transport "${k}"`);
      else if (v !== undefined && !validPort(v)) errors.push(`ports.${k} must be a port number from 1 to 65535`);
      else if (v !== undefined) ports[k as Transport] = v as number;
    }
  }
  for (const k of ['sourcePort', 'fixedSourcePort'] as const) {
    if (o[k] !== undefined && !validPort(o[k])) errors.push(`${k} must be a port number from 1 to 65535`);
  }
  if (o.tlsVerify !== undefined && typeof o.tlsVerify !== 'boolean') errors.push('tlsVerify must be true or false');
  const caPem = str('caPem', false, 200_000);
  const wsPath = str('wsPath', false, 512);
  if (wsPath !== undefined && !wsPath.startsWith('/')) errors.push('wsPath must start with "/"');
  const hostPort = (key: 'stun' | 'reflector'): { host: string; port?: number } | undefined => {
    if (o[key] === undefined) return undefined;
    const v = o[key] as Record<string, unknown> | null;
    if (typeof v !== 'object' || v === null || typeof v.host !== 'string' || !isValidHost(v.host)) errors.push(`${key}.host must be a valid host name or IP address`);
    else if (v.port !== undefined && !validPort(v.port)) errors.push(`${key}.port must be a port number from 1 to 65535`);
    else return { host: v.host, port: v.port as number | undefined };
    return undefined;
  };
  const stun = hostPort('stun');
  const reflector = hostPort('reflector');
  if (o.bindingLifetimeS !== undefined && !(Number.isInteger(o.bindingLifetimeS) && (o.bindingLifetimeS as number) >= 0 && (o.bindingLifetimeS as number) <= 300)) {
    errors.push('bindingLifetimeS must be a whole number of seconds from 0 to 300');
  }
  if (o.skipPathProbes !== undefined && typeof o.skipPathProbes !== 'boolean') errors.push('skipPathProbes must be true or false');
  if (errors.length) return { ok: false, errors };
  return {
    ok: true,
    value: {
      server: server!, domain, user: user!, authUser, password, transports, ports,
      sourcePort: o.sourcePort as number | undefined, fixedSourcePort: o.fixedSourcePort as number | undefined,
      tlsVerify: o.tlsVerify as boolean | undefined, caPem, wsPath, stun, reflector,
      bindingLifetimeS: o.bindingLifetimeS as number | undefined, skipPathProbes: o.skipPathProbes as boolean | undefined,
    },
  };
}

/** validateCheckOptions as a schema, for the IPC table: each problem is one issue. */
export const CheckOptionsSchema = v.pipe(v.unknown(), v.rawTransform(({ dataset, addIssue, NEVER }) => {
  const checked = validateCheckOptions(dataset.value);
  if (checked.ok) return checked.value;
  checked.errors.forEach((message) => addIssue({ message }));
  return NEVER;
}));
