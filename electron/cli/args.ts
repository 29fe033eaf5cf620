// Parses `sipladder check` flags into validated CheckOptions, or usage errors.
import { parseArgs } from 'node:util';
import { validateCheckOptions, type CheckOptions } from '../../shared/model/check-options.js';
import { failed, type Result } from '../../shared/model/result-type.js';
import type { Transport } from '../../shared/model/trace.js';
import { parseHostPort, type HostPort } from '../export/host-port.js';

export const CHECK_USAGE = `Usage: sipladder check --server HOST --user USER [options]

  --server HOST          registrar host name, IP address, or SIP domain (RFC 3263 discovery)
  --user USER            user part of the address-of-record
  --domain DOMAIN        domain of the address-of-record (default: the server)
  --auth-user NAME       digest user name, if different from --user
  --password-env VAR     read the password from environment variable VAR
  --password-stdin       read the password from the first line of standard input
  --transports LIST      comma-separated: udp,tcp,tls,ws,wss (default: udp,tcp,tls)
  --port N               SIP port for UDP and TCP (default: SRV, else 5060)
  --tls-port N           port for TLS (default: SRV, else 5061)
  --ws-port N / --wss-port N   WebSocket ports (default 80 / 443); --ws-path PATH (default /)
  --source-port N        also try UDP from this local port
  --fixed-port N         local port for the "fixed 5060" attempt (default 5060)
  --ca-file FILE         extra CA certificate (PEM) to trust for TLS
  --insecure             continue when the TLS certificate does not verify (to isolate network problems)
  --stun HOST[:PORT]     STUN server for the NAT behaviour probe (RFC 5780; default port 3478)
  --reflector HOST[:PORT]  a SIP Ladder reflector next to the server (default port 5099)
  --binding-lifetime S   also measure how long the NAT keeps an idle UDP binding, up to S seconds (max 300)
  --skip-path-probes     only the registration matrix
  --bundle FILE          also write a diagnostic bundle (.sipladder) for a support ticket
  --pseudonymise         in the bundle, replace user names, phone numbers, domains and IP addresses
  --json                 print the full results as JSON (schema in README)
  --hep HOST:PORT        also send every traced SIP message as HEP v3 over UDP (Homer, Kamailio sipcapture)

Exit codes: 0 registered over at least one attempt, 1 registration failed everywhere, 2 usage error.`;

export interface ParsedCheck {
  options: CheckOptions;
  json: boolean;
  bundle?: { file: string; pseudonymise: boolean };
  passwordFrom?: { env: string } | { stdin: true };
  caFile?: string;
  hep?: HostPort;
}

/** The flags of `sipladder check` (node:util parseArgs). */
const CHECK_FLAGS = {
  server: { type: 'string' },
  user: { type: 'string' },
  domain: { type: 'string' },
  'auth-user': { type: 'string' },
  'password-env': { type: 'string' },
  'password-stdin': { type: 'boolean' },
  transports: { type: 'string' },
  port: { type: 'string' },
  'tls-port': { type: 'string' },
  'ws-port': { type: 'string' },
  'wss-port': { type: 'string' },
  'ws-path': { type: 'string' },
  'source-port': { type: 'string' },
  'fixed-port': { type: 'string' },
  'ca-file': { type: 'string' },
  insecure: { type: 'boolean' },
  json: { type: 'boolean' },
  stun: { type: 'string' },
  reflector: { type: 'string' },
  bundle: { type: 'string' },
  pseudonymise: { type: 'boolean' },
  'binding-lifetime': { type: 'string' },
  'skip-path-probes': { type: 'boolean' },
  hep: { type: 'string' },
} as const;

export function parseCheckArgs(argv: string[]): Result<ParsedCheck> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: CHECK_FLAGS,
    }));
  } catch (e) {
    return failed([(e as Error).message]);
  }
  const errors: string[] = [];
  const num = (flag: string): number | undefined => {
    const v = values[flag];
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!/^\d+$/.test(String(v)) || n < 1 || n > 65535) {
      errors.push(`--${flag} must be a port number from 1 to 65535, got "${v}"`);
      return undefined;
    }
    return n;
  };
  const port = num('port');
  const ports: Partial<Record<Transport, number>> = {};
  if (port !== undefined) ports.udp = ports.tcp = port;
  const tlsPort = num('tls-port');
  if (tlsPort !== undefined) ports.tls = tlsPort;
  ports.ws = num('ws-port') ?? ports.ws;
  ports.wss = num('wss-port') ?? ports.wss;
  for (const k of Object.keys(ports) as Transport[]) if (ports[k] === undefined) delete ports[k];
  if (values.pseudonymise && !values.bundle) errors.push('--pseudonymise goes with --bundle FILE');
  if (values['password-env'] && values['password-stdin']) errors.push('use either --password-env or --password-stdin, not both');
  const transports = String(values.transports ?? 'udp,tcp,tls')
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean);
  const hostPort = (flag: 'stun' | 'reflector'): { host: string; port?: number } | undefined => {
    if (values[flag] === undefined) return undefined;
    const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(String(values[flag]));
    if (!m) errors.push(`--${flag} must be HOST or HOST:PORT, got "${values[flag]}"`);
    else return { host: m[1]!.replace(/^\[|\]$/g, ''), port: m[2] !== undefined ? Number(m[2]) : undefined };
    return undefined;
  };
  const hep = values.hep === undefined ? undefined : parseHostPort(String(values.hep));
  if (hep === null) errors.push(`--hep must be HOST:PORT, got "${values.hep}"`);
  const stun = hostPort('stun');
  const reflector = hostPort('reflector');
  const lifetime = values['binding-lifetime'] === undefined ? undefined : Number(values['binding-lifetime']);
  const v = validateCheckOptions({
    stun,
    reflector,
    bindingLifetimeS: lifetime,
    skipPathProbes: values['skip-path-probes'] ? true : undefined,
    server: values.server,
    user: values.user,
    domain: values.domain,
    authUser: values['auth-user'],
    transports,
    ports,
    sourcePort: num('source-port'),
    fixedSourcePort: num('fixed-port'),
    tlsVerify: !values.insecure,
    wsPath: values['ws-path'],
  });
  if (!v.ok) errors.push(...v.errors.map((e) => e.replace(/^server /, '--server ').replace(/^user /, '--user ')));
  if (errors.length || !v.ok) return failed(errors);
  return {
    ok: true,
    value: {
      options: v.value,
      json: Boolean(values.json),
      bundle: values.bundle ? { file: String(values.bundle), pseudonymise: Boolean(values.pseudonymise) } : undefined,
      passwordFrom: values['password-env'] ? { env: String(values['password-env']) } : values['password-stdin'] ? { stdin: true } : undefined,
      caFile: values['ca-file'] as string | undefined,
      ...(hep ? { hep } : {}),
    },
  };
}
