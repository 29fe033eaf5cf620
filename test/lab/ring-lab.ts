// Lab peers of the ring tests (namespaced by SLLAB_ID through lab.ts's NS): a Kamailio that also
// routes calls to registered contacts (with or without the usual NAT fix-up), the scripted caller on
// the server side, the ring CLI in the client namespace, and the router's UDP conntrack timeouts.
import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KAMAILIO_CORE, KAMAILIO_MODULES, LAB_PASSWORD, LAB_USER, NS, NsProcess, SERVER_IP } from './lab.js';
import type { CallOptions, CallOutcome } from './ring-caller.js';

const CLI = fileURLToPath(new URL('../../electron/cli/bin.mjs', import.meta.url));
const CALLER = fileURLToPath(new URL('./ring-caller.ts', import.meta.url));
const inNs = (ns: string, ...args: string[]): string => execFileSync('ip', ['netns', 'exec', ns, ...args], { encoding: 'utf8' });

/**
 * Kamailio as a provider's proxy: REGISTER with digest, INVITE to the registered contact
 * (lookup + t_relay), CANCEL and ACK within their transactions. `natFix`: store the address the
 * REGISTER came from (nathelper fix_nated_register) and send calls there, as providers do.
 */
function callingConfig(dir: string, natFix: boolean): string {
  const cfg = join(dir, 'kamailio.cfg');
  writeFileSync(
    cfg,
    `${KAMAILIO_CORE}listen=udp:${SERVER_IP}:5060
listen=tcp:${SERVER_IP}:5060
mpath="${KAMAILIO_MODULES}"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "auth.so"
${natFix ? 'loadmodule "nathelper.so"\nmodparam("nathelper|registrar", "received_avp", "$avp(RECEIVED)")' : ''}
modparam("usrloc", "db_mode", 0)

request_route {
  if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
  if (is_method("CANCEL|ACK")) { if (t_check_trans()) { t_relay(); } exit; }
  if (is_method("REGISTER")) {
    if (!pv_www_authenticate("$td", "${LAB_PASSWORD}", "0")) { www_challenge("$td", "1"); exit; }
    ${natFix ? 'fix_nated_register();' : ''}
    if (!save("location")) { sl_reply_error(); }
    exit;
  }
  if (is_method("INVITE")) {
    if (!lookup("location")) { sl_send_reply("404", "Not Found"); exit; }
    t_relay();
    exit;
  }
  sl_send_reply("405", "Method Not Allowed");
}
`,
  );
  return cfg;
}

export class CallingKamailio {
  private readonly dir = mkdtempSync(join(tmpdir(), 'sllab-ring-'));
  private proc: NsProcess | null = null;

  async start(natFix: boolean): Promise<void> {
    await this.stop();
    const cfg = callingConfig(this.dir, natFix);
    this.proc = new NsProcess(
      NS.server,
      ['kamailio', '-f', cfg, '-DD', '-E', '-m', '64', '-M', '8', '-P', join(this.dir, 'pid'), '-Y', this.dir],
      () => /udp.*203\.0\.113\.10:5060/.test(inNs(NS.server, 'ss', '-lntu')),
      'kamailio (calls)',
    );
    await this.proc.start();
  }

  get log(): string {
    return this.proc?.log ?? '';
  }

  async stop(): Promise<void> {
    await this.proc?.stop();
    this.proc = null;
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The router's UDP conntrack timeouts, both (a flow seen both ways counts as a "stream"); returns the old values. */
export function setUdpTimeouts(seconds: number): { udp: number; stream: number } {
  const get = (key: string): number => Number(inNs(NS.nat, 'sysctl', '-n', key).trim());
  const old = { udp: get('net.netfilter.nf_conntrack_udp_timeout'), stream: get('net.netfilter.nf_conntrack_udp_timeout_stream') };
  inNs(NS.nat, 'sysctl', '-qw', `net.netfilter.nf_conntrack_udp_timeout=${seconds}`, `net.netfilter.nf_conntrack_udp_timeout_stream=${seconds}`);
  return old;
}

/** Whether the router still holds a UDP mapping from the client (192.168.77.2) to `port` on the server. */
export function hasUdpMapping(port: number): boolean {
  const out = execFileSync('ip', ['netns', 'exec', NS.nat, 'conntrack', '-L', '-p', 'udp', '--orig-src', '192.168.77.2', '--orig-port-dst', String(port)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return out.trim().length > 0;
}

/** Places one call from the server namespace (the "other phone" at the provider's side). */
export function callFromServerSide(o: CallOptions): Promise<CallOutcome> {
  return new Promise((resolve, reject) => {
    execFile('ip', ['netns', 'exec', NS.server, process.execPath, '--import', 'tsx', CALLER, JSON.stringify(o)], { timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`caller failed: ${stderr || err.message}`));
      resolve(JSON.parse(stdout) as CallOutcome);
    });
  });
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
}

/**
 * `sipladder ring ARGS --json` in the client namespace; `onWaiting(n)` runs each time the CLI prints
 * a "Call … now" line (the moment a person would dial; n = 0 for the first).
 */
export function ringFromClient(args: string[], onWaiting: (n: number) => void = () => undefined): Promise<CliRun> {
  const t0 = performance.now();
  const argv = [
    'netns',
    'exec',
    NS.client,
    process.execPath,
    CLI,
    'ring',
    '--server',
    SERVER_IP,
    '--user',
    LAB_USER,
    '--password-env',
    'LAB_PW',
    '--json',
    ...args,
  ];
  return runCli(argv, t0, /now from another phone/g, onWaiting);
}

/** `sipladder ring --callback … --json` in the client namespace. */
export function callbackFromClient(args: string[]): Promise<CliRun> {
  return runCli(['netns', 'exec', NS.client, process.execPath, CLI, 'ring', '--json', ...args], performance.now());
}

/** Runs the CLI; `onTrigger(n)` for each new match of the global `trigger` in its progress output. */
function runCli(argv: string[], t0: number, trigger?: RegExp, onTrigger: (n: number) => void = () => undefined): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn('ip', argv, { env: { ...process.env, LAB_PW: LAB_PASSWORD }, stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    let stdout = '';
    let stderr = '';
    let fired = 0;
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => {
      stderr += d;
      for (const matches = stderr.match(trigger ?? /$^/g)?.length ?? 0; fired < matches; fired++) onTrigger(fired);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, wallMs: Math.round(performance.now() - t0) });
    });
  });
}
