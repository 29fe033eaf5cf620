// HOST:PORT of an export target (`--hep`, `--metrics`): a name, an IPv4 address or a [bracketed] IPv6 one.

export interface HostPort {
  host: string;
  port: number;
}

const HOST_PORT = /^(\[[^\]]+\]|[^:[\]]+):(\d{1,5})$/;

/** `lowestPort` 0 for an address to listen on: port 0 there means "any free port". */
export function parseHostPort(text: string, lowestPort: 0 | 1 = 1): HostPort | null {
  const m = HOST_PORT.exec(text);
  const port = m ? Number(m[2]) : -1;
  if (!m || port < lowestPort || port > 65535) return null;
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
}
