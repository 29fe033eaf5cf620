// `sipladder reflector`: flags (or a JSON file with the same keys) → a running reflector.
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import { parseReflectorConfig } from '../reflector/config-schema.js';
import { startReflector, type ReflectorConfig } from '../reflector/server.js';
import { parseHostPort } from '../export/host-port.js';
import { reflectorFamilies, startMetricsServer } from '../export/metrics.js';
import type { CliIo } from './main.js';

export const REFLECTOR_USAGE = `Usage: sipladder reflector [options]   (runs until interrupted; logs to stdout)

  --listen ADDR            address for SIP (default 0.0.0.0)
  --sip-ports LIST         UDP+TCP ports for the SIP mirror (default 5060,5099)
  --tls-port N --cert F --key F   also SIP over TLS
  --ws-port N              also SIP over WebSocket
  --stun-primary IP        STUN responder on IP:3478 (and :3479 with --stun-alternate)
  --stun-alternate IP      a second address of this host: enables RFC 5780 tests
  --stun-port N            STUN port (default 3478; the alternate port is N+1)
  --config FILE            JSON with the same settings: {"listen","sipPorts","tls","wsPort","stun"}
  --metrics HOST:PORT      serve the reflector's counters as OpenMetrics for Prometheus (on that address only)`;

const port = (v: unknown): number | undefined => (typeof v === 'string' && /^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 65535 ? Number(v) : undefined);

export async function reflectorCommand(argv: string[], io: CliIo, stop: Promise<void>): Promise<number> {
  const complain = (s: string): number => (io.stderr.write(`sipladder reflector: ${s}\n\n${REFLECTOR_USAGE}\n`), 2);
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: Object.fromEntries(
        ['listen', 'sip-ports', 'tls-port', 'cert', 'key', 'ws-port', 'stun-primary', 'stun-alternate', 'stun-port', 'config', 'metrics'].map((k) => [
          k,
          { type: 'string' as const },
        ]),
      ),
    }) as { values: Record<string, string | undefined> });
  } catch (e) {
    return complain((e as Error).message);
  }
  let config: ReflectorConfig = { listen: '0.0.0.0', sipPorts: [5060, 5099] };
  if (values.config) {
    let text: string;
    try {
      text = await readFile(values.config, 'utf8');
    } catch (e) {
      return complain(`cannot read --config ${values.config}: ${(e as Error).message}`);
    }
    const file = parseReflectorConfig(text);
    if (!file.ok) return complain(`--config ${values.config}: ${file.errors.join('; ')}`);
    config = { ...config, ...file.value };
  }
  if (values.listen) config.listen = values.listen;
  if (values['sip-ports']) {
    const ports = values['sip-ports'].split(',').map((p) => port(p.trim()));
    if (ports.some((p) => p === undefined)) return complain(`--sip-ports must list port numbers, got "${values['sip-ports']}"`);
    config.sipPorts = ports as number[];
  }
  if (values['tls-port'] || values.cert || values.key) {
    if (!port(values['tls-port']) || !values.cert || !values.key) return complain('--tls-port, --cert and --key go together');
    config.tls = { port: port(values['tls-port'])!, certFile: values.cert, keyFile: values.key };
  }
  if (values['ws-port']) {
    const ws = port(values['ws-port']);
    if (ws === undefined) return complain(`--ws-port must be a port number, got "${values['ws-port']}"`);
    config.wsPort = ws;
  }
  if (values['stun-primary']) {
    config.stun = { primary: values['stun-primary'], alternate: values['stun-alternate'], port: port(values['stun-port']) ?? 3478 };
  }
  if (!isIP(config.listen)) return complain(`--listen must be an IP address, got "${config.listen}"`);
  if (config.stun && (!isIP(config.stun.primary) || (config.stun.alternate !== undefined && !isIP(config.stun.alternate)))) {
    return complain('--stun-primary and --stun-alternate must be IP addresses of this host');
  }
  const metricsAt = values.metrics === undefined ? undefined : parseHostPort(values.metrics, 0);
  if (metricsAt === null) return complain(`--metrics must be HOST:PORT, got "${values.metrics}"`);
  const log = (line: string): void => void io.stdout.write(`${new Date().toISOString()} ${line}\n`);
  let reflector;
  let metrics;
  try {
    reflector = await startReflector(config, log);
    const { stats } = reflector;
    metrics = metricsAt ? await startMetricsServer(metricsAt, () => reflectorFamilies(stats)) : undefined;
    if (metricsAt) log(`metrics on http://${metricsAt.host}:${metrics!.port}/metrics`);
  } catch (e) {
    await reflector?.close();
    io.stderr.write(`sipladder reflector: cannot start: ${(e as Error).message}\n`);
    return 1;
  }
  await stop;
  await metrics?.close();
  await reflector.close();
  log('stopped');
  return 0;
}
