// Schemas of the arguments that cross from the UI to the backend (IPC and browser-mode HTTP).
// Messages are what the caller sees after "invalid argument: ", so they name the argument.
import * as v from 'valibot';
import { isValidHost } from '../model/check-options.js';
import { TRANSPORTS } from '../model/trace.js';

/** Largest bundle the app opens (base64 text is 4/3 of it). */
export const MAX_BUNDLE_BASE64 = Math.ceil((64 * 1024 * 1024 * 4) / 3);

/**
 * Largest capture the app imports (the CLI streams larger files from disk). The import streams, so
 * what the limit bounds is what the results hold: at 200,000 packets (95 MB) the browser mode's
 * server peaked at 437 MB and the page's heap at 70-170 MB.
 */
export const MAX_CAPTURE_BYTES = 512 * 1024 * 1024;

/** Why the app will not import a file of `bytes`, said before it is sent; null when it will. */
export function captureTooLarge(name: string, bytes: number): string | null {
  if (bytes <= MAX_CAPTURE_BYTES) return null;
  const mb = (n: number): string => `${Math.ceil(n / (1024 * 1024))} MB`;
  return `${name} is ${mb(bytes)}: the app opens captures up to ${mb(MAX_CAPTURE_BYTES)}. Read it with \`sipladder import ${name}\`, which streams a capture of any size from disk.`;
}

/** Messages of an imported capture fetched per request (`captureMessages`): the import's view carries its trace without bytes. */
export const MAX_CAPTURE_MESSAGES_PER_REQUEST = 4000;

const hexId = (digits: number, message: string) => v.pipe(v.string(message), v.regex(new RegExp(`^[0-9a-f]{${digits}}$`), message));

/** A run's id, also an imported capture's (random, 8 bytes). */
export const RunIdSchema = hexId(16, 'runId must be 16 hex digits');
export const AccountIdSchema = hexId(12, 'account id must be 12 hex digits');

export const DemoScenarioSchema = v.picklist(['healthy', 'blocked-5060'], 'scenario must be "healthy" or "blocked-5060"');
export type DemoScenario = v.InferOutput<typeof DemoScenarioSchema>;

/** One line of text of at most `max` characters, no control characters. */
const line = (max: number, message: string) => v.pipe(v.string(message), v.maxLength(max, message), v.regex(/^[^\u0000-\u001f\u007f]*$/, message));
const emptyAsAbsent = v.transform((s: string) => s || undefined);

export const AccountInputSchema = v.object({
  id: v.optional(AccountIdSchema),
  name: v.pipe(line(80, 'name is required (at most 80 characters)'), v.trim(), v.nonEmpty('name is required (at most 80 characters)')),
  server: v.pipe(line(253, 'server must be a valid host name or IP address'), v.check(isValidHost, 'server must be a valid host name or IP address')),
  port: v.optional(
    v.pipe(
      v.number('port must be 1-65535'),
      v.integer('port must be 1-65535'),
      v.minValue(1, 'port must be 1-65535'),
      v.maxValue(65535, 'port must be 1-65535'),
    ),
  ),
  user: v.pipe(line(128, 'user is required'), v.nonEmpty('user is required')),
  authUser: v.optional(v.pipe(line(253, 'authUser must be text'), emptyAsAbsent)),
  domain: v.optional(v.pipe(line(253, 'domain must be text'), emptyAsAbsent)),
  transports: v.pipe(
    v.array(v.picklist(TRANSPORTS, 'transports must list udp, tcp, tls, ws or wss'), 'transports must list udp, tcp, tls, ws or wss'),
    v.nonEmpty('transports must list udp, tcp, tls, ws or wss'),
  ),
  password: v.optional(v.pipe(v.string('password must be text'), v.maxLength(1024, 'password must be text'))),
});
export type AccountInput = v.InferOutput<typeof AccountInputSchema>;

const PSEUDONYMISE = 'pseudonymise must be {users, domains, addresses} booleans';
export const PseudonymiseSchema = v.nullable(
  v.object({ users: v.boolean(PSEUDONYMISE), domains: v.boolean(PSEUDONYMISE), addresses: v.boolean(PSEUDONYMISE) }, PSEUDONYMISE),
);

const BASE64 = 'bundle must be base64 text of at most 64 MB';
export const BundleBase64Schema = v.pipe(v.string(BASE64), v.maxLength(MAX_BUNDLE_BASE64, BASE64), v.regex(/^[A-Za-z0-9+/]*={0,2}$/, BASE64));

const FILE_NAME = 'name must be a file name';
export const FileNameSchema = v.pipe(v.string(FILE_NAME), v.maxLength(255, FILE_NAME), v.regex(/^[^\u0000-\u001f/\\]*$/, FILE_NAME));

const SEQS = `seqs must be at most ${MAX_CAPTURE_MESSAGES_PER_REQUEST} positive integers`;
export const SeqsSchema = v.pipe(
  v.array(v.pipe(v.number(SEQS), v.integer(SEQS), v.minValue(1, SEQS)), SEQS),
  v.maxLength(MAX_CAPTURE_MESSAGES_PER_REQUEST, SEQS),
);
