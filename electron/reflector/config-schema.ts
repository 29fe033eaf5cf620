// The reflector's JSON config (`sipladder reflector --config FILE`): the same keys as its flags.
// A typo in a key or a port given as a string would otherwise start a reflector that silently
// ignores it, or crash deep in a bind() — so the whole file is checked first, unknown keys refused,
// and every problem names the key (issuePath) and what was expected.
import * as v from 'valibot';
import { issuePath, parseWith, type Result } from '../../shared/model/result-type.js';
import type { ReflectorConfig } from './server.js';

const PortSchema = v.pipe(
  v.number('a port number'),
  v.integer('a whole port number'),
  v.minValue(0, 'a port from 0 (any free port) to 65535'),
  v.maxValue(65535, 'a port from 0 (any free port) to 65535'),
);
const AddressSchema = v.pipe(v.string('an IP address as a string'), v.nonEmpty('an IP address'));

/** At most this many SIP ports: each binds a UDP and a TCP socket. */
export const MAX_REFLECTOR_SIP_PORTS = 16;

export const ReflectorConfigSchema = v.strictObject(
  {
    listen: v.optional(AddressSchema),
    sipPorts: v.optional(
      v.pipe(
        v.array(PortSchema, 'a list of port numbers'),
        v.minLength(1, 'at least one port'),
        v.maxLength(MAX_REFLECTOR_SIP_PORTS, `at most ${MAX_REFLECTOR_SIP_PORTS} ports`),
      ),
    ),
    tls: v.optional(
      v.strictObject(
        {
          port: PortSchema,
          certFile: v.pipe(v.string('a file path'), v.nonEmpty('a file path')),
          keyFile: v.pipe(v.string('a file path'), v.nonEmpty('a file path')),
        },
        'an object {"port","certFile","keyFile"}',
      ),
    ),
    wsPort: v.optional(PortSchema),
    stun: v.optional(
      v.strictObject(
        { primary: AddressSchema, alternate: v.optional(AddressSchema), port: v.optional(PortSchema) },
        'an object {"primary","alternate","port"}',
      ),
    ),
  },
  'an object with the keys "listen", "sipPorts", "tls", "wsPort", "stun"',
);

type ConfigFile = v.InferOutput<typeof ReflectorConfigSchema>;

/** Reads a config file's text: the settings it gives (the caller fills defaults and flags on top), or every problem. */
export function parseReflectorConfig(text: string): Result<Partial<ReflectorConfig>> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return notConfig(`not JSON: ${(e as Error).message}`);
  }
  // valibot's object schemas take an array too; a config is a JSON object.
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return notConfig('the file must hold one JSON object {"listen","sipPorts","tls","wsPort","stun"}');
  const parsed = parseWith(ReflectorConfigSchema, json, (issue) => `${issuePath(issue) || 'the file'} ${problem(issue)}`);
  return parsed.ok ? { ok: true, value: toConfig(parsed.value) } : parsed;
}

const notConfig = (problem: string): Result<never> => ({ ok: false, error: problem, errors: [problem] });

/** A strict object reports an unknown key as expected "never", a missing one as received "undefined". */
function problem(issue: v.BaseIssue<unknown>): string {
  if (issue.type === 'strict_object' && issue.expected === 'never') return 'is not a setting';
  if (issue.type === 'strict_object' && issue.received === 'undefined') return 'is missing';
  return `must be ${issue.message}`;
}

function toConfig(c: ConfigFile): Partial<ReflectorConfig> {
  const { stun, ...rest } = c;
  return { ...rest, ...(stun ? { stun: { primary: stun.primary, alternate: stun.alternate, port: stun.port ?? 3478 } } : {}) };
}
