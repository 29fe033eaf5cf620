// The CLI's output boundary: everything the commands write to stdout and stderr passes through
// terminalSafe (shared/text/terminal-safe.ts), so no writer has to remember to escape strings from
// servers, bundles or captures.
import type { Writable } from 'node:stream';
import { terminalSafe } from '../../shared/text/terminal-safe.js';
import type { CliIo } from './main.js';

/**
 * The stream itself with a neutralising write(). A proxy rather than a new Writable: writes reach
 * the terminal synchronously and in order, with nothing buffered in between when a command returns.
 */
function safeStream(target: Writable): Writable {
  const decoder = new TextDecoder();
  const write = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    return (target.write as (c: string, ...r: unknown[]) => boolean)(terminalSafe(text), ...rest);
  };
  return new Proxy(target, {
    get(t, key) {
      if (key === 'write') return write;
      const value: unknown = Reflect.get(t, key, t);
      return typeof value === 'function' ? value.bind(t) : value;
    },
  });
}

/** The same io, with stdout and stderr neutralised. */
export function terminalSafeIo(io: CliIo): CliIo {
  return { ...io, stdout: safeStream(io.stdout), stderr: safeStream(io.stderr) };
}
