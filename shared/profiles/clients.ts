// How common SIP clients behave by default, as data: predictions read these fields and never
// special-case a client in code. Only behaviour we can state from evidence is listed.

export interface ClientProfile {
  id: string;
  name: string;
  /** Default transport. */
  transport: 'udp' | 'tcp' | 'tls';
  /** Local source port: always 5060, or a random (ephemeral) one. */
  localPort: 'fixed-5060' | 'ephemeral';
  /** Whether it asks for rport (RFC 3581) in its Via. */
  rport: boolean;
  /** Seconds between keep-alives / re-REGISTERs that keep a NAT binding open, when known. */
  keepAliveSeconds?: number;
  /** Where the relevant settings are, in the client's own words. */
  settings: { localPort?: string; transport?: string; keepAlive?: string };
  /** Where the default comes from. */
  evidence: string;
}

export const CLIENT_PROFILES: readonly ClientProfile[] = [
  {
    id: 'jitsi',
    name: 'Jitsi (desktop)',
    transport: 'udp',
    localPort: 'fixed-5060',
    rport: false,
    settings: { localPort: 'Advanced → SIP → "SIP client port"', transport: 'Account → Connection → "Preferred transport"' },
    evidence: 'Field report (seed 000): REGISTER from source port 5060, Via without rport, Jitsi 2.3',
  },
  {
    id: 'linphone',
    name: 'Linphone',
    transport: 'udp',
    localPort: 'ephemeral',
    rport: true,
    settings: { localPort: 'Settings → Network → SIP port ("random")', transport: 'Account → Transport' },
    evidence: 'Field report (seed 000): REGISTER from an ephemeral port with rport, LinphoneAndroid 2.1',
  },
  {
    id: 'zoiper',
    name: 'Zoiper',
    transport: 'udp',
    localPort: 'ephemeral',
    rport: true,
    settings: { localPort: 'Settings → Advanced → "SIP UDP port" (0 = random)', transport: 'Accounts → the account → "Transport type"' },
    evidence: 'Vendor documentation (Zoiper 5 defaults); not seen in a field report yet',
  },
  {
    id: 'microsip',
    name: 'MicroSIP',
    transport: 'udp',
    localPort: 'ephemeral',
    rport: true,
    settings: { localPort: 'Settings → "Source port" (0 = random)', transport: 'Account → "Transport"' },
    evidence: 'Vendor documentation (source port 0 by default); pjsip adds rport to every Via',
  },
  {
    id: 'yealink',
    name: 'Yealink desk phone',
    transport: 'udp',
    localPort: 'fixed-5060',
    rport: false,
    settings: {
      localPort: 'web UI Settings → SIP → "Local SIP Port"',
      transport: 'Account → Register → "Transport"',
      keepAlive: 'Account → Advanced → "Keep Alive"',
    },
    evidence: 'Vendor documentation (factory settings: local SIP port 5060, RPort disabled)',
  },
  {
    id: 'grandstream',
    name: 'Grandstream desk phone',
    transport: 'udp',
    localPort: 'fixed-5060',
    rport: false,
    settings: {
      localPort: 'web UI Account → SIP Settings → "Local SIP Port" (or Settings → "Use Random Port")',
      transport: 'Account → SIP Settings → "SIP Transport"',
      keepAlive: 'Account → Network Settings → "NAT Traversal" keep-alive',
    },
    evidence: 'Vendor documentation (factory settings: local SIP port 5060, random port off)',
  },
  {
    id: 'cisco',
    name: 'Cisco desk phone (SPA / MPP)',
    transport: 'udp',
    localPort: 'fixed-5060',
    rport: false,
    settings: {
      localPort: 'web UI Voice → Ext 1 → "SIP Port"',
      transport: 'Voice → Ext 1 → "SIP Transport"',
      keepAlive: 'Voice → Ext 1 → "NAT Keep Alive Enable"',
    },
    evidence: 'Vendor documentation (factory settings: SIP port 5060 on line 1)',
  },
  {
    id: 'generic-fixed-5060',
    name: 'Any client on local port 5060 (many desk phones and ATAs)',
    transport: 'udp',
    localPort: 'fixed-5060',
    rport: false,
    settings: { localPort: 'the "local SIP port" setting', transport: 'the "transport" setting' },
    evidence: 'RFC 3261 §18.1 default port; common factory setting',
  },
  {
    id: 'generic-random-port',
    name: 'Any client on a random local port with rport',
    transport: 'udp',
    localPort: 'ephemeral',
    rport: true,
    settings: { localPort: 'the "local SIP port" setting (0 or random)', transport: 'the "transport" setting' },
    evidence: 'RFC 3581 behaviour of most soft-phones',
  },
];
