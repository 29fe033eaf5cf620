// Kamailio with the websocket module for the WebRTC lab (RFC 7118): SIP over WS on 8080, with an
// Origin allow-list on 8081, with a Contact-rewriting proxy on 8082; over WSS (the lab's private CA)
// on 4443; the lab's registrar rules.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LAB_PASSWORD, LAB_USER, NS, NsProcess, SERVER_IP } from './lab.js';

export const WS_PORT = 8080;
/** The same WebSocket, refusing every Origin but ALLOWED_ORIGIN (as providers do for their own web phone). */
export const WS_ORIGIN_CHECKED_PORT = 8081;
export const WSS_PORT = 4443;
/** A WebSocket whose proxy rewrites the client's Contact to ;transport=udp before saving it (answers then name UDP). */
export const WS_CONTACT_REWRITING_PORT = 8082;
export const ALLOWED_ORIGIN = 'https://phone.provider.example';
const CERTS = fileURLToPath(new URL('../../electron/demo/certs/', import.meta.url));
const KAMAILIO_MODULES = '/usr/lib/x86_64-linux-gnu/kamailio/modules/';

function config(dir: string): string {
  writeFileSync(
    join(dir, 'tls.cfg'),
    `[server:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
private_key = ${CERTS}server.key
certificate = ${CERTS}server.pem
`,
  );
  const cfg = join(dir, 'kamailio-ws.cfg');
  writeFileSync(
    cfg,
    `#!KAMAILIO
debug=1
log_stderror=yes
children=2
tcp_children=2
auto_aliases=no
tcp_accept_no_cl=yes
listen=tcp:${SERVER_IP}:${WS_PORT}
listen=tcp:${SERVER_IP}:${WS_ORIGIN_CHECKED_PORT}
listen=tcp:${SERVER_IP}:${WS_CONTACT_REWRITING_PORT}
listen=tls:${SERVER_IP}:${WSS_PORT}
enable_tls=yes
mpath="${KAMAILIO_MODULES}"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "pv.so"
loadmodule "xlog.so"
loadmodule "maxfwd.so"
loadmodule "textops.so"
loadmodule "textopsx.so"
loadmodule "siputils.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "auth.so"
loadmodule "tls.so"
loadmodule "xhttp.so"
loadmodule "websocket.so"
modparam("tls", "config", "${join(dir, 'tls.cfg')}")
modparam("usrloc", "db_mode", 0)

event_route[xhttp:request] {
  set_reply_close();
  set_reply_no_connect();
  if (!($hdr(Upgrade) =~ "websocket" && $hdr(Connection) =~ "Upgrade" && $rm == "GET")) {
    xhttp_reply("404", "Not Found", "", "");
    exit;
  }
  if ($Rp == ${WS_ORIGIN_CHECKED_PORT} && $hdr(Origin) != $null && $hdr(Origin) != "${ALLOWED_ORIGIN}") {
    xlog("L_ALERT", "WS-ORIGIN-REFUSED $hdr(Origin)\\n");
    xhttp_reply("403", "Forbidden", "", "");
    exit;
  }
  if (ws_handle_handshake()) exit;
  xhttp_reply("400", "Bad Request", "", "");
}

request_route {
  if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
  if (!is_method("REGISTER")) { sl_send_reply("405", "Method Not Allowed"); exit; }
  if ($au != $null && $au != "${LAB_USER}") { sl_send_reply("403", "Forbidden"); exit; }
  if ($Rp == ${WS_CONTACT_REWRITING_PORT}) {
    subst_hf("Contact", "/;transport=ws/;transport=udp/i", "a");
    msg_apply_changes();
  }
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

export class WebSocketKamailio {
  private readonly dir = mkdtempSync(join(tmpdir(), 'sllab-kamws-'));
  readonly process = new NsProcess(
    NS.server,
    ['kamailio', '-f', config(this.dir), '-DD', '-E', '-m', '64', '-M', '8', '-P', join(this.dir, 'pid'), '-Y', this.dir],
    () =>
      [WS_PORT, WS_ORIGIN_CHECKED_PORT, WS_CONTACT_REWRITING_PORT, WSS_PORT].every((p) =>
        execFileSync('ip', ['netns', 'exec', NS.server, 'ss', '-lnt'], { encoding: 'utf8' }).includes(`${SERVER_IP}:${p}`),
      ),
    'kamailio websocket',
  );

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
