// A HEP collector for the lab: Kamailio's sipcapture module on the server side, logging one line per
// SIP message it decodes from HEP v3. Storage: sipcapture's sip_capture() into db_text fails in
// Kamailio 5.6 (db_text rejects the DATETIME/BIGINT values it inserts: "incompatible types"), and
// MySQL is not in the lab, so the collector logs what it receives (xlog) and the test reads the log.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NS, NsProcess, SERVER_IP2 } from './lab.js';

/** The usual HEP port (Homer, sipcapture examples). */
export const HEP_PORT = 9060;
/** NsProcess collects the log without events of its own: waiting looks at it this often. */
const LOG_POLL_MS = 50;
const KAMAILIO_MODULES = '/usr/lib/x86_64-linux-gnu/kamailio/modules/';

/** One logged message: what Kamailio parsed out of the HEP payload, with the addresses from the HEP chunks. */
export interface CollectedMessage {
  kind: 'request' | 'reply';
  /** Method of a request, status code of a reply. */
  what: string;
  callId: string;
  /** Source as sipcapture set it from the HEP chunks ($si:$sp). */
  source: string;
}

const LINE = /HEP-SIP (request|reply) (\S+) call-id=(\S+) from (\S+)/g;

function config(dir: string): string {
  // sipcapture needs a database module bound even when nothing is stored (an empty or absent
  // db_url makes 5.6 abort at start-up), so db_text points at an empty directory.
  mkdirSync(join(dir, 'db'));
  writeFileSync(join(dir, 'db', 'version'), 'id(int,auto) table_name(string) table_version(int)\n');
  const cfg = join(dir, 'collector.cfg');
  writeFileSync(
    cfg,
    `#!KAMAILIO
debug=1
log_stderror=yes
children=1
auto_aliases=no
disable_tcp=yes
listen=udp:${SERVER_IP2}:${HEP_PORT}
mpath="${KAMAILIO_MODULES}"
loadmodule "pv.so"
loadmodule "xlog.so"
loadmodule "db_text.so"
loadmodule "sipcapture.so"
modparam("sipcapture", "db_url", "text://${join(dir, 'db')}")
modparam("sipcapture", "hep_capture_on", 1)

request_route {
  xlog("L_ALERT", "HEP-SIP request $rm call-id=$ci from $si:$sp\\n");
  drop;
}
onreply_route {
  xlog("L_ALERT", "HEP-SIP reply $rs call-id=$ci from $si:$sp\\n");
  drop;
}
`,
  );
  return cfg;
}

export class HepCollector {
  private readonly dir = mkdtempSync(join(tmpdir(), 'sllab-hep-'));
  readonly process = new NsProcess(
    NS.server,
    ['kamailio', '-f', config(this.dir), '-DD', '-E', '-m', '32', '-M', '8', '-P', join(this.dir, 'pid'), '-Y', this.dir],
    () => execFileSync('ip', ['netns', 'exec', NS.server, 'ss', '-lnu'], { encoding: 'utf8' }).includes(`${SERVER_IP2}:${HEP_PORT}`),
    'kamailio sipcapture',
  );

  get address(): string {
    return `${SERVER_IP2}:${HEP_PORT}`;
  }

  messages(): CollectedMessage[] {
    return [...this.process.log.matchAll(LINE)].map((m) => ({ kind: m[1] as 'request' | 'reply', what: m[2]!, callId: m[3]!, source: m[4]! }));
  }

  /** Resolves once `count` messages are logged, or at the deadline (the log is looked at every LOG_POLL_MS). */
  async waitForMessages(count: number, timeoutMs: number): Promise<CollectedMessage[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages().length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, LOG_POLL_MS));
    return this.messages();
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
