// What to change, per server software, for each audit finding: the Kamailio, Asterisk, FreeSWITCH
// and OpenSIPS setting where one exists (a missing entry means that software has none to name).
export type Software = 'Kamailio' | 'Asterisk' | 'FreeSWITCH' | 'OpenSIPS';

export type FixTopic =
  | 'version'
  | 'scanners'
  | 'enumeration'
  | 'register-auth'
  | 'invite-auth'
  | 'sha256'
  | 'qop'
  | 'nonce-replay'
  | 'topology'
  | 'tls-versions'
  | 'tls-ciphers'
  | 'certificate'
  | 'amplification'
  | 'rate-limit';

const FIXES: Record<FixTopic, Partial<Record<Software, string>>> = {
  version: {
    Kamailio: 'server_signature=no and user_agent_header="User-Agent: SIP" in the core settings (sip_warning=0 keeps Warning headers out)',
    Asterisk: 'pjsip.conf [global] user_agent=SIP (chan_sip: useragent= and sdpowner=)',
    FreeSWITCH: 'sofia profile param user-agent-string=SIP and username=SIP (the SDP o= line)',
    OpenSIPS: 'server_signature=no, server_header="Server: SIP" and user_agent_header="User-Agent: SIP"',
  },
  scanners: {
    Kamailio: 'in route[REQINIT]: if($ua =~ "friendly-scanner|sipcli|sipvicious|VaxSIPUserAgent") { exit; } (drop without an answer)',
    Asterisk: 'no User-Agent filter of its own: drop them before Asterisk (iptables -m string --string "friendly-scanner" --algo bm -j DROP) or with fail2ban',
    FreeSWITCH: 'no User-Agent filter in sofia: drop them in the firewall (iptables -m string) or with fail2ban',
    OpenSIPS: 'if ($ua =~ "friendly-scanner|sipcli|sipvicious|VaxSIPUserAgent") exit; at the top of the main route',
  },
  enumeration: {
    Kamailio:
      'authenticate before looking anything up: answer every unauthenticated REGISTER/INVITE with auth_challenge() (or www_challenge/proxy_challenge), whether the user exists or not; no 404 before authentication',
    Asterisk: 'pjsip answers unknown endpoints with a challenge too (keep it so; chan_sip: alwaysauthreject=yes)',
    FreeSWITCH: 'challenge every REGISTER and INVITE from outside (sofia auth-calls=true); keep accept-blind-reg=false',
    OpenSIPS: 'www_challenge()/proxy_challenge() for every unauthenticated request before any user lookup',
  },
  'register-auth': {
    Kamailio: 'if (!auth_check("$fd", "subscriber", "1")) { auth_challenge("$fd", "1"); exit; } before save("location")',
    Asterisk: 'give every endpoint an auth= section (pjsip); chan_sip: no insecure=invite,port on user peers',
    FreeSWITCH: 'accept-blind-reg=false in the sofia profile',
    OpenSIPS: 'if (!www_authorize("", "subscriber")) { www_challenge("", "auth"); exit; } before save("location")',
  },
  'invite-auth': {
    Kamailio:
      'route(AUTH): auth_check("$fu", "subscriber", "1") for requests from your own users, and refuse to relay to foreign domains (if (!uri==myself) { sl_send_reply("403", "Not relaying"); exit; })',
    Asterisk: 'pjsip: no anonymous endpoint (or one whose context reaches no outside routes); chan_sip: allowguest=no',
    FreeSWITCH: 'auth-calls=true, and no gateway reachable from the public context',
    OpenSIPS: 'proxy_authorize("", "subscriber") and check_from() before relaying calls from your users',
  },
  sha256: {
    Kamailio:
      'modparam("auth", "algorithm", "SHA-256") with SHA-256 HA1 values (auth_db, or pv_www_authenticate with flag 1: in 5.6 a plain password there is hashed with MD5); phones that only know MD5 then fail, so check yours first',
    Asterisk: 'from 20.12 / 21.7 / 22.2 (PJProject 2.15.1): supported_algorithms_uas=SHA-256,MD5 in the auth section',
    OpenSIPS: 'from 3.2: offer SHA-256 in www_challenge()/proxy_challenge() (RFC 8760)',
  },
  qop: {
    Kamailio: 'www_challenge("$td", "1") / auth_challenge(realm, "1"): flag 1 adds qop=auth',
    OpenSIPS: 'www_challenge("", "auth")',
  },
  'nonce-replay': {
    Kamailio: 'modparam("auth", "nonce_count", 1) (qop=auth) and modparam("auth", "one_time_nonce", 1) (without qop); keep nonce_expire short',
    FreeSWITCH: 'sofia profile param nonce-ttl (short, e.g. 60)',
    OpenSIPS: 'keep modparam("auth", "disable_nonce_check", 0) (the default)',
  },
  topology: {
    Kamailio: 'loadmodule "topoh.so" with modparam("topoh", "mask_key", …) and mask_ip, or the topos module; advertise the public address on listen=',
    Asterisk: 'pjsip transport: external_signaling_address, external_media_address and local_net',
    FreeSWITCH: 'sofia profile: ext-sip-ip and ext-rtp-ip (and apply-nat-acl)',
    OpenSIPS: 'the topology_hiding module (topology_hiding() on initial requests)',
  },
  'tls-versions': {
    Kamailio: 'tls.cfg: method = TLSv1.2+',
    Asterisk: 'pjsip transport: method=tlsv1_2',
    FreeSWITCH: 'sofia profile: tls-version=tlsv1.2',
    OpenSIPS: 'tls_mgm: modparam("tls_mgm", "tls_method", "TLSv1_2-")',
  },
  'tls-ciphers': {
    Kamailio: 'tls.cfg: cipher_list = ECDHE+AESGCM:ECDHE+CHACHA20',
    Asterisk: 'pjsip transport: cipher=ECDHE-RSA-AES128-GCM-SHA256,ECDHE-RSA-AES256-GCM-SHA384',
    FreeSWITCH: 'sofia profile: tls-ciphers=ECDHE+AESGCM:ECDHE+CHACHA20',
    OpenSIPS: 'tls_mgm: modparam("tls_mgm", "ciphers_list", "ECDHE+AESGCM:ECDHE+CHACHA20")',
  },
  certificate: {
    Kamailio: 'tls.cfg: certificate = (the full chain) and private_key = for the name phones use',
    Asterisk: 'pjsip transport: cert_file= (full chain) and priv_key_file=',
    FreeSWITCH: "put the full chain in the profile's tls-cert-dir (agent.pem, cafile.pem)",
    OpenSIPS: 'tls_mgm: certificate and private_key (full chain) for the server domain',
  },
  amplification: {
    Kamailio: 'answer unauthenticated requests with short replies (no long Allow/Supported lists, no body) and drop scanners before they get an answer',
    Asterisk: 'keep 401s small; prefer TCP/TLS transports for clients',
    OpenSIPS: 'answer unauthenticated requests with short replies; drop scanners first',
  },
  'rate-limit': {
    Kamailio: 'loadmodule "pike.so"; if (!pike_check_req()) { exit; } in REQINIT (reqs_density_per_unit, sampling_time_unit), plus an htable ban',
    Asterisk: 'fail2ban on the security log (Asterisk has no per-source request limit of its own)',
    FreeSWITCH: 'fail2ban, or iptables hashlimit on the SIP ports',
    OpenSIPS: 'the pike module (pike_check_req()) or the ratelimit module',
  },
};

/** The fix lines of a topic, "Kamailio: …" first; `general` leads when given. */
export function fixesFor(topic: FixTopic, general?: string): string[] {
  const per = Object.entries(FIXES[topic]).map(([software, text]) => `${software}: ${text}`);
  return general ? [general, ...per] : per;
}
