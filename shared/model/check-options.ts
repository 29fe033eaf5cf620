// What a user asks to check, as a valibot schema with its type inferred from it. Shared by CLI, IPC
// and UI so every entry point rejects the same bad input with the same words (each message is
// written for the user: the form places them next to its fields, the CLI prints them).
import * as v from 'valibot';
import { parseWith, type Result } from './result-type.js';
import { TRANSPORTS, type Transport } from './trace.js';

const HOSTNAME = /^(?=.{1,253}$)(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?\.?$/;
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const IPV6 = /^[0-9A-Fa-f:.]{2,45}$/;

export function isValidHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (IPV4.test(bare)) return true;
  if (bare.includes(':')) return IPV6.test(bare) && bare.split('::').length <= 2;
  return HOSTNAME.test(bare) && !/^\d+(\.\d+)*$/.test(bare);
}

const CONTROL = /[\u0000-\u001f\u007f]/;
const portWords = (k: string): string => `${k} must be a port number from 1 to 65535`;
const isPort = (p: unknown): p is number => typeof p === 'number' && Number.isInteger(p) && p >= 1 && p <= 65535;
const Port = (k: string) => v.custom<number>(isPort, portWords(k));

/** Text from a user: trimmed; one problem at most (the first that applies), so the form shows one line per field. */
const Text = (k: string, max: number) =>
  v.pipe(
    v.string(`${k} must be text`),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const text = dataset.value;
      const problem =
        text.length > max
          ? `${k} is longer than ${max} characters`
          : CONTROL.test(text)
            ? `${k} contains control characters`
            : text.includes('\uFFFD')
              ? `${k} is not valid UTF-8 text`
              : null;
      if (problem === null) return text.trim();
      addIssue({ message: problem });
      return NEVER;
    }),
  );

/** An optional text field: missing and "" both mean "not given". */
const OptionalText = (k: string, max: number, rule?: { holds: (text: string) => boolean; problem: (text: string) => string }) =>
  v.optional(
    v.pipe(
      v.unknown(),
      v.transform((x) => (x === '' ? undefined : x)),
      v.optional(
        rule
          ? v.pipe(
              Text(k, max),
              v.check(rule.holds, (i) => rule.problem(i.input)),
            )
          : Text(k, max),
      ),
    ),
  );

/** A required text field: missing and "" both say "is required" (the default turns a missing key into ""). */
const RequiredText = (k: string, max: number) =>
  v.optional(
    v.pipe(
      v.unknown(),
      v.check((x) => x !== '', `${k} is required`),
      Text(k, max),
    ),
    '',
  );

const HostPort = (k: 'stun' | 'reflector') =>
  v.object(
    {
      host: v.custom<string>((h) => typeof h === 'string' && isValidHost(h), `${k}.host must be a valid host name or IP address`),
      port: v.optional(Port(`${k}.port`)),
    },
    `${k}.host must be a valid host name or IP address`,
  );

/** Transports asked for, duplicates removed; every unknown one named. */
const Transports = v.pipe(
  v.array(v.unknown(), `transports must list at least one of ${TRANSPORTS.join(', ')}`),
  v.minLength(1, `transports must list at least one of ${TRANSPORTS.join(', ')}`),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const unknown = dataset.value.filter((t) => !TRANSPORTS.includes(t as Transport));
    unknown.forEach((t) => addIssue({ message: `unknown transport "${String(t)}" (use ${TRANSPORTS.join(', ')})` }));
    return unknown.length ? NEVER : [...new Set(dataset.value as Transport[])];
  }),
);

/** Explicit ports per transport: every key a transport, every value a port. */
const Ports = v.pipe(
  v.record(v.string(), v.unknown(), 'ports must be an object'),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const ports: Partial<Record<Transport, number>> = {};
    let bad = false;
    for (const [k, p] of Object.entries(dataset.value)) {
      const problem = !TRANSPORTS.includes(k as Transport) ? `ports: unknown transport "${k}"` : p !== undefined && !isPort(p) ? portWords(`ports.${k}`) : null;
      if (problem) ((bad = true), addIssue({ message: problem }));
      else if (p !== undefined) ports[k as Transport] = p as number;
    }
    return bad ? NEVER : ports;
  }),
);

export const CheckOptionsSchema = v.object(
  {
    /** Host name, IPv4 or IPv6 address of the registrar (or the domain for RFC 3263 discovery). */
    server: v.pipe(
      RequiredText('server', 256),
      v.check(isValidHost, (i) => `server "${String(i.input)}" is not a valid host name or IP address (give the port separately)`),
    ),
    /** Domain of the address-of-record; defaults to the server. */
    domain: OptionalText('domain', 256, { holds: isValidHost, problem: (d) => `domain "${d}" is not a valid domain` }),
    user: v.pipe(
      RequiredText('user', 128),
      v.check((u) => !/[\s<>"]/.test(u), 'user must not contain spaces, quotes or angle brackets'),
      v.check((u) => !u.includes(':'), 'user must not contain ":" (never put a password in the user name)'),
    ),
    /** Digest username when it differs from the user part. */
    authUser: OptionalText('authUser', 128),
    /** Never trimmed: spaces can be part of a password. */
    password: v.optional(v.pipe(v.string('password must be text'), v.maxLength(1024, 'password is longer than 1024 characters'))),
    transports: v.optional(Transports, []),
    /** Explicit ports per transport; any given port skips SRV for that transport (RFC 3263 §4.2). */
    ports: v.optional(Ports),
    /** An extra UDP source port to try, besides 5060 and an ephemeral one. */
    sourcePort: v.optional(Port('sourcePort')),
    /** Local port used for the "fixed 5060" attempt (configurable so tests can run in parallel). */
    fixedSourcePort: v.optional(Port('fixedSourcePort')),
    tlsVerify: v.optional(v.boolean('tlsVerify must be true or false')),
    caPem: OptionalText('caPem', 200_000),
    wsPath: OptionalText('wsPath', 512, { holds: (p) => p.startsWith('/'), problem: () => 'wsPath must start with "/"' }),
    /** STUN server for the NAT behaviour probe (RFC 5780); never a default public server. */
    stun: v.optional(HostPort('stun')),
    /** A SIP Ladder reflector next to the server (fragmentation with sized responses, ALG mirror). */
    reflector: v.optional(HostPort('reflector')),
    /** Seconds the UDP binding-lifetime test may take (0 = skip). */
    bindingLifetimeS: v.optional(
      v.custom<number>(
        (n) => Number.isInteger(n) && (n as number) >= 0 && (n as number) <= 300,
        'bindingLifetimeS must be a whole number of seconds from 0 to 300',
      ),
    ),
    /** Only the registration matrix. */
    skipPathProbes: v.optional(v.boolean('skipPathProbes must be true or false')),
  },
  'options must be an object',
);

export type CheckOptions = v.InferOutput<typeof CheckOptionsSchema>;

/** Untrusted input (CLI flags, IPC arguments, the form) checked; never throws. */
export function validateCheckOptions(input: unknown): Result<CheckOptions> {
  return parseWith(CheckOptionsSchema, input);
}
