// HOST:PORT of an export target (`--hep`, `--metrics`): a name, an IPv4 address or a [bracketed] IPv6 one.

export interface HostPort {
  host: string;
  port: number;
}

const HOST_PORT = /^(\[[^\]]+\]|[^:[\]]+):(\d{1,5})$/;

export function parseHostPort(text: string): HostPort | null {
  const m = HOST_PORT.exec(text);
  const port = m ? Number(m[2]) : 0;
  if (!m || port < 1 || port > 65535) return null;
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
}
