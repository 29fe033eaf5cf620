// A network lab in namespaces: client (192.168.77.2) behind a NAT router (192.168.77.1 / 203.0.113.1)
// and a Kamailio registrar on the "internet" side (203.0.113.10). Faults are iptables rules on the router.
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CheckResult } from '../../shared/model/results.js';

/**
 * Namespace and interface names. SLLAB_ID (one or two letters) lets several checkouts run the lab at
 * once on one machine: the addresses live inside the namespaces, so only these names can collide.
 */
const LAB_ID = /^[a-z0-9]{0,2}$/.test(process.env.SLLAB_ID ?? '') ? (process.env.SLLAB_ID ?? '') : '';
const P = `sllab${LAB_ID}`;
export const NS = { client: `${P}-cli`, nat: `${P}-nat`, server: `${P}-srv` } as const;
const DEV = { c0: `${P}-c0`, n0: `${P}-n0`, n1: `${P}-n1`, s0: `${P}-s0` } as const;
export const SERVER_IP = '203.0.113.10';
/** Second server address: coturn needs two for RFC 5780 (OTHER-ADDRESS). */
export const SERVER_IP2 = '203.0.113.11';
export const NAT_PUBLIC_IP = '203.0.113.1';
export const LAB_USER = 'alice';
export const LAB_PASSWORD = 'lab-secret-5060';
const CERTS = fileURLToPath(new URL('../../electron/demo/certs/', import.meta.url));
export const KAMAILIO_MODULES = '/usr/lib/x86_64-linux-gnu/kamailio/modules/';
/** The head every lab Kamailio config starts with: quiet, logging to stderr, two workers, no DNS aliases. */
export const KAMAILIO_CORE = '#!KAMAILIO\ndebug=1\nlog_stderror=yes\nchildren=2\ntcp_children=2\nauto_aliases=no\n';

export type Fault = 'drop-inbound-udp-5060' | 'block-tcp-5060' | 'block-all-udp';

function sh(cmd: string, args: string[], allowFail = false): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    if (allowFail) return '';
    const err = e as { stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed: ${err.stderr || err.message}`);
  }
}
const inNs = (ns: string, ...args: string[]): string => sh('ip', ['netns', 'exec', ns, ...args]);

/** Why the lab cannot run here, or null when it can. */
export function labUnavailableReason(): string | null {
  if (process.platform !== 'linux') return 'the lab needs Linux network namespaces';
  if (process.getuid?.() !== 0) return 'the lab needs root (network namespaces, iptables)';
  for (const tool of ['ip', 'iptables', 'kamailio', 'turnserver', 'turnutils_natdiscovery']) {
    if (!sh('sh', ['-c', `command -v ${tool} || true`]).trim())
      return `${tool} is not installed (apt-get install iproute2 iptables kamailio kamailio-tls-modules coturn)`;
  }
  return null;
}

export function labDown(): void {
  for (const ns of Object.values(NS)) sh('ip', ['netns', 'del', ns], true);
}

export function labUp(): void {
  labDown();
  for (const ns of Object.values(NS)) sh('ip', ['netns', 'add', ns]);
  sh('ip', ['link', 'add', DEV.c0, 'type', 'veth', 'peer', 'name', DEV.n0]);
  sh('ip', ['link', 'add', DEV.n1, 'type', 'veth', 'peer', 'name', DEV.s0]);
  sh('ip', ['link', 'set', DEV.c0, 'netns', NS.client]);
  sh('ip', ['link', 'set', DEV.n0, 'netns', NS.nat]);
  sh('ip', ['link', 'set', DEV.n1, 'netns', NS.nat]);
  sh('ip', ['link', 'set', DEV.s0, 'netns', NS.server]);
  for (const ns of Object.values(NS)) inNs(ns, 'ip', 'link', 'set', 'lo', 'up');
  inNs(NS.client, 'ip', 'addr', 'add', '192.168.77.2/24', 'dev', DEV.c0);
  inNs(NS.client, 'ip', 'link', 'set', DEV.c0, 'up');
  inNs(NS.client, 'ip', 'route', 'add', 'default', 'via', '192.168.77.1');
  inNs(NS.nat, 'ip', 'addr', 'add', '192.168.77.1/24', 'dev', DEV.n0);
  inNs(NS.nat, 'ip', 'addr', 'add', `${NAT_PUBLIC_IP}/24`, 'dev', DEV.n1);
  inNs(NS.nat, 'ip', 'link', 'set', DEV.n0, 'up');
  inNs(NS.nat, 'ip', 'link', 'set', DEV.n1, 'up');
  inNs(NS.nat, 'sysctl', '-qw', 'net.ipv4.ip_forward=1');
  inNs(NS.nat, 'iptables', '-t', 'nat', '-A', 'POSTROUTING', '-o', DEV.n1, '-j', 'MASQUERADE');
  inNs(NS.server, 'ip', 'addr', 'add', `${SERVER_IP}/24`, 'dev', DEV.s0);
  inNs(NS.server, 'ip', 'addr', 'add', `${SERVER_IP2}/24`, 'dev', DEV.s0);
  inNs(NS.server, 'ip', 'link', 'set', DEV.s0, 'up');
}

/** Applies a fault on the NAT router (the "ISP"); clearFaults() removes all of them. */
export function applyFault(fault: Fault): void {
  if (fault === 'drop-inbound-udp-5060') {
    // Seed 000: the ISP drops UDP arriving for port 5060 of the customer's public address.
    inNs(NS.nat, 'iptables', '-t', 'raw', '-A', 'PREROUTING', '-i', DEV.n1, '-p', 'udp', '--dport', '5060', '-j', 'DROP');
  } else if (fault === 'block-tcp-5060') {
    inNs(NS.nat, 'iptables', '-A', 'FORWARD', '-p', 'tcp', '--dport', '5060', '-j', 'DROP');
  } else {
    inNs(NS.nat, 'iptables', '-A', 'FORWARD', '-p', 'udp', '-j', 'DROP');
  }
}

/**
 * NAT behaviour of the router: Linux MASQUERADE keeps the source port when it can, so its mapping is
 * endpoint-independent (filtering is address-and-port-dependent: conntrack); --random-fully picks a
 * new random port per destination, i.e. address-and-port-dependent mapping ("symmetric NAT").
 */
export function setNatMode(mode: 'masquerade' | 'random-fully'): void {
  inNs(NS.nat, 'iptables', '-t', 'nat', '-F', 'POSTROUTING');
  inNs(NS.nat, 'iptables', '-t', 'nat', '-A', 'POSTROUTING', '-o', DEV.n1, '-j', 'MASQUERADE', ...(mode === 'random-fully' ? ['--random-fully'] : []));
  sh('ip', ['netns', 'exec', NS.nat, 'conntrack', '-F'], true);
}

/** How long the router keeps an idle, unreplied-to-twice UDP mapping (conntrack is per namespace). */
export function setUdpMappingTimeout(seconds: number): void {
  inNs(NS.nat, 'sysctl', '-qw', `net.netfilter.nf_conntrack_udp_timeout=${seconds}`);
}

/** coturn's own verdict (turnutils_natdiscovery -m -f) from the client namespace. */
export function natDiscovery(): { mapping?: string; filtering?: string } {
  const out = sh('ip', ['netns', 'exec', NS.client, 'turnutils_natdiscovery', '-m', '-f', SERVER_IP], true);
  const term = (kind: string): string | undefined => {
    const m = new RegExp(`NAT with (Endpoint Independent|Address Dependent|Address and Port Dependent) ${kind}`).exec(out);
    return m ? m[1]!.toLowerCase().replace(/ and /, '-and-').replace(/ /g, '-') : undefined;
  };
  return { mapping: term('Mapping'), filtering: term('Filtering') };
}

/** A process in a lab namespace: started, waited for (bounded), and stopped with its children. */
export class NsProcess {
  private proc: ChildProcess | null = null;
  log = '';

  constructor(
    private readonly ns: string,
    private readonly argv: string[],
    private readonly ready: () => boolean,
    private readonly name: string,
  ) {}

  async start(): Promise<void> {
    this.proc = spawn('ip', ['netns', 'exec', this.ns, ...this.argv], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.proc.stdout!.on('data', (d) => (this.log += d));
    this.proc.stderr!.on('data', (d) => (this.log += d));
    for (let i = 0; i < 100; i++) {
      if (this.ready()) return;
      if (this.proc.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${this.name} did not start:\n${this.log.slice(-3000)}`);
  }

  async stop(): Promise<void> {
    const p = this.proc;
    this.proc = null;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise<void>((r) => p.once('exit', () => r()));
    try {
      process.kill(-p.pid!, 'SIGTERM');
    } catch {
      /* already gone */
    }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
  }
}

const listening =
  (ns: string, proto: '-lnu' | '-lntu', ...needles: string[]): (() => boolean) =>
  () => {
    const ss = inNs(ns, 'ss', proto);
    return needles.every((n) => ss.includes(n));
  };

/** coturn as an independent STUN server: -n (no config file; Debian's sets no-rfc5780), two IPs enable RFC 5780. */
export function coturn(): NsProcess {
  return new NsProcess(
    NS.server,
    [
      'turnserver',
      '-n',
      '--stun-only',
      '--no-cli',
      `--listening-ip=${SERVER_IP}`,
      `--listening-ip=${SERVER_IP2}`,
      '--listening-port=3478',
      '--log-file=stdout',
      '--simple-log',
    ],
    listening(NS.server, '-lnu', `${SERVER_IP2}:3479`, `${SERVER_IP}:3478`),
    'coturn',
  );
}

const TSX_NODE = [process.execPath, '--import', 'tsx'];

/** `sipladder reflector` on the server: SIP mirror on 5060 and 5099 (on SERVER_IP2 it runs next to Kamailio). */
export function reflector(address = SERVER_IP): NsProcess {
  return new NsProcess(
    NS.server,
    [process.execPath, CLI, 'reflector', '--listen', address, '--sip-ports', '5060,5099'],
    listening(NS.server, '-lntu', `${address}:5060`, `${address}:5099`),
    'reflector',
  );
}

/** Port on the router where redirected SIP goes through the bad ALG. */
const ALG_PORT = 15060;

/** The lab's bad SIP ALG on the router (test/lab/sip-alg.ts), with the REDIRECT that feeds it. */
export function sipAlg(): NsProcess & { enable(): void } {
  const p = new NsProcess(
    NS.nat,
    [...TSX_NODE, fileURLToPath(new URL('./sip-alg.ts', import.meta.url)), String(ALG_PORT), '192.168.77.2', NAT_PUBLIC_IP, `${SERVER_IP}:5060`],
    listening(NS.nat, '-lnu', `:${ALG_PORT}`),
    'sip-alg',
  );
  return Object.assign(p, {
    enable: () =>
      void inNs(
        NS.nat,
        'iptables',
        '-t',
        'nat',
        '-I',
        'PREROUTING',
        '-i',
        DEV.n0,
        '-p',
        'udp',
        '--dport',
        '5060',
        '-j',
        'REDIRECT',
        '--to-ports',
        String(ALG_PORT),
      ),
  });
}

/** Rate of the slow lane fragments are put in: a 1500-byte fragment waits ~125 ms, 8 KB ~0.7 s (plus queueing). */
export const FRAGMENT_LANE_KBIT = 96;

/**
 * Seed 001 on the router: IP fragments (MF set, or a non-zero offset) go to a slow htb class, or to
 * one whose qdisc is a blackhole (tc actions are not available here), on both egress interfaces.
 * u32 cannot say "offset ≠ 0", so one filter per bit of the offset.
 */
export function applyFragmentFault(kind: 'delay' | 'drop'): void {
  for (const dev of [DEV.n0, DEV.n1]) {
    const tc = (...args: string[]): string => inNs(NS.nat, 'tc', ...args);
    tc('qdisc', 'add', 'dev', dev, 'root', 'handle', '1:', 'htb', 'default', '10');
    tc('class', 'add', 'dev', dev, 'parent', '1:', 'classid', '1:10', 'htb', 'rate', '1gbit');
    tc('class', 'add', 'dev', dev, 'parent', '1:', 'classid', '1:20', 'htb', 'rate', `${FRAGMENT_LANE_KBIT}kbit`, 'ceil', `${FRAGMENT_LANE_KBIT}kbit`);
    if (kind === 'drop') tc('qdisc', 'add', 'dev', dev, 'parent', '1:20', 'handle', '20:', 'blackhole');
    for (const m of [0x2000, ...Array.from({ length: 13 }, (_, b) => 1 << b)]) {
      const hex = `0x${m.toString(16)}`;
      tc('filter', 'add', 'dev', dev, 'parent', '1:', 'protocol', 'ip', 'prio', '1', 'u32', 'match', 'u16', hex, hex, 'at', '6', 'flowid', '1:20');
    }
  }
}

export function clearFaults(): void {
  inNs(NS.nat, 'iptables', '-t', 'nat', '-F', 'PREROUTING');
  for (const dev of [DEV.n0, DEV.n1]) sh('ip', ['netns', 'exec', NS.nat, 'tc', 'qdisc', 'del', 'dev', dev, 'root'], true);
  inNs(NS.nat, 'iptables', '-t', 'raw', '-F');
  inNs(NS.nat, 'iptables', '-F', 'FORWARD');
  // Forget NAT mappings so each scenario starts fresh (port preservation depends on it).
  sh('ip', ['netns', 'exec', NS.nat, 'conntrack', '-F'], true);
}

function kamailioConfig(dir: string): string {
  writeFileSync(
    join(dir, 'tls.cfg'),
    `[server:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
private_key = ${CERTS}server.key
certificate = ${CERTS}server.pem

[client:default]
verify_certificate = no
require_certificate = no
`,
  );
  const cfg = join(dir, 'kamailio.cfg');
  writeFileSync(
    cfg,
    `${KAMAILIO_CORE}listen=udp:${SERVER_IP}:5060
listen=tcp:${SERVER_IP}:5060
listen=tls:${SERVER_IP}:5061
enable_tls=yes
mpath="${KAMAILIO_MODULES}"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "sanity.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "auth.so"
loadmodule "tls.so"
modparam("tls", "config", "${join(dir, 'tls.cfg')}")
modparam("usrloc", "db_mode", 0)

request_route {
  if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
  if (!is_method("REGISTER")) { sl_send_reply("405", "Method Not Allowed"); exit; }
  if ($au != $null && $au != "${LAB_USER}") { sl_send_reply("403", "Forbidden"); exit; }
  if (!pv_www_authenticate("$td", "${LAB_PASSWORD}", "0")) {
    www_challenge("$td", "1");
    exit;
  }
  if (!save("location")) { sl_reply_error(); }
  exit;
}
`,
  );
  return cfg;
}

const CLI = fileURLToPath(new URL('../../electron/cli/bin.mjs', import.meta.url));

/** Runs `sipladder check --json` inside the client namespace, as a user behind the NAT would. */
export function checkFromClient(
  extra: string[] = [],
  password = LAB_PASSWORD,
  timeoutMs = 60_000,
): Promise<{ code: number; result: CheckResult; wallMs: number }> {
  const args = [
    'netns',
    'exec',
    NS.client,
    process.execPath,
    CLI,
    'check',
    '--server',
    SERVER_IP,
    '--user',
    LAB_USER,
    '--password-env',
    'LAB_PW',
    '--transports',
    'udp,tcp,tls',
    '--ca-file',
    join(CERTS, 'ca.pem'),
    '--json',
    ...extra,
  ];
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    execFile('ip', args, { env: { ...process.env, LAB_PW: password }, maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      try {
        resolve({ code, result: JSON.parse(stdout) as CheckResult, wallMs: Math.round(performance.now() - t0) });
      } catch {
        reject(new Error(`check failed (exit ${code}): ${stderr || stdout}`));
      }
    });
  });
}

export class Kamailio {
  private readonly dir = mkdtempSync(join(tmpdir(), 'sllab-kam-'));
  private proc: NsProcess | null = null;

  get log(): string {
    return this.proc?.log ?? '';
  }

  async start(): Promise<void> {
    const cfg = kamailioConfig(this.dir);
    this.proc = new NsProcess(
      NS.server,
      ['kamailio', '-f', cfg, '-DD', '-E', '-m', '64', '-M', '8', '-P', join(this.dir, 'pid'), '-Y', this.dir],
      () => /udp.*203\.0\.113\.10:5060/.test(inNs(NS.server, 'ss', '-lntu')) && listening(NS.server, '-lntu', `${SERVER_IP}:5061`)(),
      'kamailio',
    );
    await this.proc.start();
  }

  async stop(): Promise<void> {
    await this.proc?.stop();
    this.proc = null;
    sh('ip', ['netns', 'pids', NS.server], true)
      .split(/\s+/)
      .filter(Boolean)
      .forEach((pid) => sh('kill', ['-9', pid], true));
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** One `sipladder check` with text output in the client namespace: its output, and the verdict times from its progress lines. */
export interface TimedCheck {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Engine time to the matrix's verdict, and to the complete one (path probes done), ms; absent when not reached. */
  firstVerdictMs?: number;
  completeMs?: number;
  /** The same seen from outside (CLI start-up included), ms. */
  wallFirstMs?: number;
  wallMs: number;
  firstVerdict?: string;
}

/**
 * Runs `sipladder check` (text output, path probes included) in the client namespace, as a user at a
 * terminal would; `interruptOn`: press Ctrl-C (SIGINT) as soon as the progress output matches it.
 */
export function timedCheckFromClient(extra: string[] = [], o: { interruptOn?: RegExp; timeoutMs?: number } = {}): Promise<TimedCheck> {
  const args = [
    'netns',
    'exec',
    NS.client,
    process.execPath,
    CLI,
    'check',
    '--server',
    SERVER_IP,
    '--user',
    LAB_USER,
    '--password-env',
    'LAB_PW',
    '--transports',
    'udp,tcp,tls',
    '--ca-file',
    join(CERTS, 'ca.pem'),
    ...extra,
  ];
  const t0 = performance.now();
  return new Promise((resolve) => {
    // `ip netns exec` execs node in place, so signals reach the CLI itself.
    const child = spawn('ip', args, { env: { ...process.env, LAB_PW: LAB_PASSWORD }, stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 60_000);
    let stdout = '';
    let stderr = '';
    let wallFirstMs: number | undefined;
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => {
      const interrupt = o.interruptOn && !o.interruptOn.test(stderr);
      stderr += d;
      if (wallFirstMs === undefined && /verdict after/.test(stderr)) wallFirstMs = performance.now() - t0;
      if (interrupt && o.interruptOn!.test(stderr)) child.kill('SIGINT');
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      const first = /verdict after ([\d.]+) s \(path probes running\): (.*)/.exec(stderr);
      const complete = /complete after ([\d.]+) s/.exec(stderr);
      resolve({
        code,
        stdout,
        stderr,
        wallFirstMs,
        wallMs: performance.now() - t0,
        ...(first ? { firstVerdictMs: Number(first[1]) * 1000, firstVerdict: first[2]! } : {}),
        ...(complete ? { completeMs: Number(complete[1]) * 1000 } : {}),
      });
    });
  });
}

/** A firewall on the router that drops UDP to one server port only (STUN and other ports pass); clearFaults() removes it. */
export function dropUdpToPort(port: number): void {
  inNs(NS.nat, 'iptables', '-A', 'FORWARD', '-p', 'udp', '--dport', String(port), '-j', 'DROP');
}
