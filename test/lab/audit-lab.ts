// Kamailio for the exposure-audit lab in two configurations, and `sipladder audit` run from the
// client namespace behind the NAT. 'open' keeps the defaults that leak (Server header with the
// version, 404 for unknown users, MD5 without qop and without nonce tracking, calls to outside
// numbers relayed to an inside gateway without authentication, TLS 1.0 and any cipher);
// 'hardened' follows field stories 002-004 (scanner User-Agents dropped, pike, sanity, topoh,
// server_signature=no, one challenge for everyone, SHA-256 with qop=auth and nonce_count, TLS 1.2+
// with ECDHE-GCM suites only). The inside network is 10.20.0.0/24 on the server's loopback.
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CheckResult } from '../../shared/model/results.js';
import type { Diagnosis } from '../../shared/diagnosis/types.js';
import { KAMAILIO_CORE, KAMAILIO_MODULES, LAB_PASSWORD, LAB_USER, NS, NsProcess, SERVER_IP } from './lab.js';

export type KamailioFlavour = 'open' | 'hardened';

const CERTS = fileURLToPath(new URL('../../electron/demo/certs/', import.meta.url));
const CLI = fileURLToPath(new URL('../../electron/cli/bin.mjs', import.meta.url));
/** The proxy's inside address, and the inside PSTN gateway (the same Kamailio on another socket). */
export const INSIDE_PROXY = '10.20.0.10';
export const INSIDE_GATEWAY = '10.20.0.11';
/** Hardened pike: requests per 2 s from one source before it is blocked; the audit's own pace (4/s) stays below, its burst (8/s) above. */
export const PIKE_REQUESTS_PER_2S = 12;

const inServer = (...args: string[]): string => execFileSync('ip', ['netns', 'exec', NS.server, ...args], { encoding: 'utf8' });

/** The inside addresses on the server's loopback (what topology hiding is about). */
export function addInsideAddresses(): void {
  for (const ip of [INSIDE_PROXY, INSIDE_GATEWAY]) inServer('ip', 'addr', 'add', `${ip}/32`, 'dev', 'lo');
}

function tlsConfig(flavour: KamailioFlavour): string {
  const server = flavour === 'open' ? 'method = TLSv1+\ncipher_list = DEFAULT:@SECLEVEL=0' : 'method = TLSv1.2+\ncipher_list = ECDHE+AESGCM:ECDHE+CHACHA20';
  return `[server:default]\n${server}\nverify_certificate = no\nrequire_certificate = no\nprivate_key = ${CERTS}server.key\ncertificate = ${CERTS}server.pem\n`;
}

const COMMON_MODULES = ['tm', 'sl', 'pv', 'maxfwd', 'textops', 'siputils', 'usrloc', 'registrar', 'auth', 'tls', 'rr'];

/** The inside gateway: rings for any call (180 with its inside Contact), never answers. */
const GATEWAY_ROUTE = `route[GATEWAY] {
  if (is_method("INVITE")) { append_to_reply("Contact: <sip:gw@${INSIDE_GATEWAY}:5080>\\r\\n"); sl_send_reply("180", "Ringing"); exit; }
  if (is_method("CANCEL")) { sl_send_reply("200", "OK"); exit; }
  exit;
}`;

function openRoutes(): string {
  return `
modparam("tm", "fr_inv_timer", 2000)
request_route {
  if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
  if ($Rp == 5080) { route(GATEWAY); exit; }
  if (is_method("OPTIONS") && $rU == $null) { sl_send_reply("200", "OK"); exit; }
  if (is_method("ACK|CANCEL")) { if (t_check_trans()) { t_relay(); } exit; }
  if (is_method("REGISTER")) {
    if ($tU != "${LAB_USER}") { sl_send_reply("404", "Not Found"); exit; }
    if (!pv_www_authenticate("$td", "${LAB_PASSWORD}", "0")) { www_challenge("$td", "0"); exit; }
    save("location");
    exit;
  }
  if (is_method("INVITE") && $rU =~ "^\\+") {
    record_route();
    $du = "sip:${INSIDE_GATEWAY}:5080";
    force_send_socket(udp:${INSIDE_PROXY}:5060);
    t_relay();
    exit;
  }
  if (!lookup("location")) { sl_send_reply("404", "Not Found"); exit; }
  t_relay();
}
${GATEWAY_ROUTE}
`;
}

/**
 * SHA-256 needs the HA1 given as such (flag 1): Kamailio 5.6's pv_*_authenticate hashes a plain
 * password with MD5 whatever modparam("auth", "algorithm") says, so a plain one never matches.
 */
const sha256Ha1 = (): string => createHash('sha256').update(`${LAB_USER}:${SERVER_IP}:${LAB_PASSWORD}`).digest('hex');

function hardenedRoutes(): string {
  return `
loadmodule "sanity.so"
loadmodule "pike.so"
loadmodule "topoh.so"
modparam("pike", "sampling_time_unit", 2)
modparam("pike", "reqs_density_per_unit", ${PIKE_REQUESTS_PER_2S})
modparam("pike", "remove_latency", 4)
modparam("topoh", "mask_key", "sllab-audit-key")
modparam("topoh", "mask_ip", "${SERVER_IP}")
modparam("auth", "algorithm", "SHA-256")
modparam("auth", "qop", "auth")
modparam("auth", "nonce_count", 1)
request_route {
  if ($ua =~ "friendly-scanner|sipcli|sipvicious|VaxSIPUserAgent") { exit; }
  if (!pike_check_req()) { exit; }
  if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
  if (!sanity_check("17895", "7")) { exit; }
  if ($Rp == 5080) { route(GATEWAY); exit; }
  if (is_method("OPTIONS") && $rU == $null) { sl_send_reply("200", "OK"); exit; }
  if (is_method("ACK|CANCEL")) { if (t_check_trans()) { t_relay(); } exit; }
  if (!t_newtran()) { exit; }
  if (is_method("REGISTER")) {
    if ($au != "${LAB_USER}" || !pv_www_authenticate("$td", "${sha256Ha1()}", "1")) { www_challenge("$td", "1"); exit; }
    save("location");
    exit;
  }
  if ($au != "${LAB_USER}" || !pv_proxy_authenticate("$fd", "${sha256Ha1()}", "1")) { proxy_challenge("$fd", "1"); exit; }
  if (!lookup("location")) { t_reply("404", "Not Found"); exit; }
  t_relay();
}
${GATEWAY_ROUTE}
`;
}

function kamailioConfig(dir: string, flavour: KamailioFlavour): string {
  writeFileSync(join(dir, 'tls.cfg'), tlsConfig(flavour));
  const core = flavour === 'hardened' ? 'server_signature=no\nsip_warning=0\nuser_agent_header="User-Agent: SIP"\n' : '';
  const cfg = join(dir, 'kamailio.cfg');
  writeFileSync(
    cfg,
    `${KAMAILIO_CORE}${core}listen=udp:${SERVER_IP}:5060
listen=tls:${SERVER_IP}:5061
listen=udp:${INSIDE_PROXY}:5060
listen=udp:${INSIDE_GATEWAY}:5080
enable_tls=yes
mpath="${KAMAILIO_MODULES}"
${COMMON_MODULES.map((m) => `loadmodule "${m}.so"`).join('\n')}
modparam("tls", "config", "${join(dir, 'tls.cfg')}")
modparam("usrloc", "db_mode", 0)
${flavour === 'open' ? openRoutes() : hardenedRoutes()}`,
  );
  return cfg;
}

/** One Kamailio of the given flavour in the server namespace. */
export class AuditKamailio {
  private readonly dir = mkdtempSync(join(tmpdir(), 'sllab-audit-'));
  private proc: NsProcess | null = null;

  get log(): string {
    return this.proc?.log ?? '';
  }

  async start(flavour: KamailioFlavour): Promise<void> {
    const cfg = kamailioConfig(this.dir, flavour);
    const ready = (): boolean => {
      const ss = inServer('ss', '-lntu');
      return ss.includes(`${SERVER_IP}:5061`) && ss.includes(`${INSIDE_GATEWAY}:5080`);
    };
    this.proc = new NsProcess(
      NS.server,
      ['kamailio', '-f', cfg, '-DD', '-E', '-m', '64', '-M', '8', '-P', join(this.dir, 'pid'), '-Y', this.dir],
      ready,
      `kamailio (${flavour})`,
    );
    await this.proc.start();
  }

  async stop(): Promise<void> {
    await this.proc?.stop();
    this.proc = null;
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** `sipladder audit SERVER_IP --i-operate-this-server --json` from the client namespace, with the lab user's own password. */
export function auditFromClient(
  extra: string[] = [],
  timeoutMs = 90_000,
): Promise<{ code: number; result: CheckResult & { diagnosis: Diagnosis }; stderr: string }> {
  const args = [
    'netns',
    'exec',
    NS.client,
    process.execPath,
    CLI,
    'audit',
    SERVER_IP,
    '--i-operate-this-server',
    '--user',
    LAB_USER,
    '--password-stdin',
    '--ca-file',
    join(CERTS, 'ca.pem'),
    '--json',
    ...extra,
  ];
  return new Promise((resolve, reject) => {
    const child = execFile('ip', args, { maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      try {
        resolve({ code, result: JSON.parse(stdout) as CheckResult & { diagnosis: Diagnosis }, stderr });
      } catch {
        reject(new Error(`audit failed (exit ${code}): ${stderr || stdout}`));
      }
    });
    child.stdin!.end(`${LAB_PASSWORD}\n`);
  });
}
